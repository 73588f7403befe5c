"""Loading a labelled set into a (throwaway) database and ranking it with the site's own code.

Used by `evaluate_matching` (in its child process, on a temporary SQLite file) and by the
benchmarks. Listings are stored as published directly: how rows get into the database does not
matter to the measurement; how they are embedded, stored, pooled and ranked does, and that is the
site's code (matching.services).
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organization
from core.regions import province_of
from core.side import CAPABILITY, SCENARIO, SIDES, Side
from core.text import tokenize
from matching import pool, services
from matching.embedding import get_embedder
from matching.engine import ranking
from matching.engine.evaluation import BenchItem
from scenarios.models import Field, ListingStatus
from scenarios.selectors import field_by_name
from scenarios.services import listing_full_clean

_ORG_KINDS = {k.value for k in Organization.Kind}


def _field(name: str, cache: dict[str, Field]) -> Field:
    if name in cache:
        return cache[name]
    found = field_by_name(value=name)
    if found is None:  # a field the taxonomy does not know: add it to this database only
        code = slugify(name, allow_unicode=True)[:40] or f"field-{len(cache)}"
        found = Field.objects.create(code=code, name_zh_hans=name[:40], name_zh_hant=name[:40], name_en=name[:80],
                                     order=100 + len(cache))
    cache[name] = found
    return found


@transaction.atomic
def load_bench(scenarios: Sequence[BenchItem], capabilities: Sequence[BenchItem]) -> dict[Side, dict[int, str]]:
    """Store the items as published listings (one organisation each), embed them with the
    configured model and store their terms. Returns {side: {pk: item id}}."""
    fields: dict[str, Field] = {}
    now = timezone.now()
    ids: dict[Side, dict[int, str]] = {SCENARIO: {}, CAPABILITY: {}}
    for side, items in ((SCENARIO, scenarios), (CAPABILITY, capabilities)):
        model = side.model
        # stored in id order, so that the ranking's tie-break (by primary key) is by id ascending
        for item in sorted(items, key=lambda x: x.id):
            org_kind = item.org_type if item.org_type in _ORG_KINDS and item.org_type != "agency" else (
                "hospital" if side.is_need else "company")
            org = Organization.objects.create(name=f"{item.id} ({org_kind})", kind=org_kind, city=item.region,
                                              province=province_of(item.region))
            obj = model(title=item.title[:200], description=item.description, field=_field(item.field, fields),
                        city=item.region[:32], province=province_of(item.region), language=item.language,
                        organization=org, status=ListingStatus.PUBLISHED, published_at=now)
            listing_full_clean(obj)
            obj.save()
            ids[side][obj.pk] = item.id
    for side in SIDES:
        objs = list(side.model.objects.filter(pk__in=ids[side]).select_related("field"))
        services.listings_embed(side=side, objs=objs)
    return ids


def _runs_from(results: dict[Side, dict[int, list[ranking.Candidate]]], ids) -> tuple[dict, dict]:
    s2c = {ids[SCENARIO][pk]: [ids[CAPABILITY][c.id] for c in cands] for pk, cands in results[SCENARIO].items()}
    c2s = {ids[CAPABILITY][pk]: [ids[SCENARIO][c.id] for c in cands] for pk, cands in results[CAPABILITY].items()}
    return s2c, c2s


def _site_rankings() -> dict[Side, dict[int, list[ranking.Candidate]]]:
    model_id = get_embedder().model_id
    out: dict[Side, dict[int, list[ranking.Candidate]]] = {}
    for side in SIDES:
        out[side] = {}
        for batch in services.iter_rank_side(side, model_id=model_id, top_n=None, floor=None, explain=False):
            out[side].update(batch)
    return out


def _bm25_plain_rankings() -> dict[Side, dict[int, list[ranking.Candidate]]]:
    """Baseline: BM25 over jieba terms of the Traditional→Simplified text, nothing else."""
    model_id = get_embedder().model_id
    pools = {}
    for side in SIDES:
        site = pool.pool_for(side, model_id).pool
        items = [ranking.prepare(p.listing, tokenize(f"{p.listing.title}\n{p.listing.description}"))
                 for p in site.items]
        pools[side] = ranking.Pool(items, site.vectors)
    weights = ranking.Weights(dense=0.0, lexical=1.0, structured=0.0)
    return {side: {q.listing.id: r for q, r in zip(
        pools[side].items, ranking.rank_many(pools[side].items, None, pools[side.other], weights=weights,
                                             candidates=0, explain_top=0), strict=True)} for side in SIDES}


def rank_bench(ids: dict[Side, dict[int, str]], *, variants: Sequence[str] = ("hybrid",)) -> dict[str, tuple]:
    """{variant: (s2c run, c2s run)}; "hybrid" is exactly the site's ranking."""
    runs = {}
    for variant in variants:
        if variant == "hybrid":
            runs[variant] = _runs_from(_site_rankings(), ids)
        elif variant == "dense":
            with override_settings(MATCHING_WEIGHTS={"dense": 1.0, "lexical": 0.0, "structured": 0.0}):
                runs[variant] = _runs_from(_site_rankings(), ids)
        elif variant == "bm25":
            runs[variant] = _runs_from(_bm25_plain_rankings(), ids)
        else:
            raise ValueError(f"unknown variant {variant!r}")
    return runs
