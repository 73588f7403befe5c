"""Writes of the matching engine: vectors and terms, suggested matches, re-rank jobs, reconciling.

Contracts (each task relies on them, so a task can be retried or run twice):

- `listing_embed` stores a vector per (listing, model); it does nothing when a vector for the
  same model and text hash is there.
- `listing_rank` computes a listing's candidates and upserts them: rows whose values did not
  change are not written; matches an officer decided are never touched; suggestions that fell
  out of the list are dropped unless someone expressed interest.
- `rerank_run` re-embeds what the current model has not seen and re-ranks every published
  listing in batches, reporting done / total on the job row.
- `matching_reconcile` queues published listings whose vector for the current model and text,
  or whose ranking, is missing: what a crashed worker left undone is recovered.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import user_is_officer
from core.errors import NotAllowed
from core.side import SIDES, Side
from matching.embedding import get_embedder
from matching.engine import ranking
from scenarios.models import ListingBase

from .adapters import (
    band_of,
    embedding_text,
    load_terms,
    load_vectors,
    published_listings,
    ranking_listing,
    terms_hash,
    vector_hash,
    weights,
)
from .models import ENGINE_OWNED, ListingTerms, ListingVector, Match, MatchInterest, MatchStatus, RerankJob
from .pool import gaps_for, pool_cache_clear, pool_for

log = logging.getLogger(__name__)
EMBED_BATCH = 16
RANK_BATCH = 256


# --- embedding and terms ----------------------------------------------------------------------

def listings_embed(*, side: Side, objs: list[ListingBase]) -> int:
    """Store vectors (current model) and terms for `objs`, skipping those already up to date.
    Returns how many vectors were computed."""
    if not objs:
        return 0
    embedder = get_embedder()
    rls = {o.pk: ranking_listing(o) for o in objs}
    have_v = dict(ListingVector.objects.filter(kind=side.kind, model_id=embedder.model_id, listing_id__in=rls)
                  .values_list("listing_id", "text_hash"))
    have_t = dict(ListingTerms.objects.filter(kind=side.kind, listing_id__in=rls).values_list("listing_id", "text_hash"))
    todo_v = [pk for pk, rl in rls.items() if have_v.get(pk) != vector_hash(rl)]
    todo_t = [pk for pk, rl in rls.items() if have_t.get(pk) != terms_hash(rl)]
    for pk in todo_t:
        rl = rls[pk]
        ListingTerms.objects.update_or_create(
            kind=side.kind, listing_id=pk,
            defaults={"text_hash": terms_hash(rl), "terms": " ".join(ranking.listing_terms(rl))})
    for start in range(0, len(todo_v), EMBED_BATCH):
        chunk = todo_v[start:start + EMBED_BATCH]
        vecs = embedder.embed([embedding_text(rls[pk]) for pk in chunk], role=side.role)
        for pk, vec in zip(chunk, vecs, strict=True):
            ListingVector.objects.update_or_create(
                kind=side.kind, listing_id=pk, model_id=embedder.model_id,
                defaults={"text_hash": vector_hash(rls[pk]), "dim": int(vec.shape[0]),
                          "vector": np.asarray(vec, dtype="<f4").tobytes(), "ranked_at": None})
    return len(todo_v)


def listing_embed(*, side: Side, listing_id: int) -> bool:
    """Embed one published listing if its vector for the current model is missing or stale."""
    obj = published_listings(side).filter(pk=listing_id).first()
    if obj is None:
        return False
    return listings_embed(side=side, objs=[obj]) > 0


# --- ranking and storing ----------------------------------------------------------------------

def iter_rank_side(side: Side, *, model_id: str, top_n: int | None, floor: float | None,
                   explain: bool = True) -> Iterator[dict[int, list[ranking.Candidate]]]:
    """Rank every published listing of `side` against the other side, a batch at a time: the path
    of the full re-rank, and of the evaluation command (which asks for complete lists)."""
    own = pool_for(side, model_id).pool
    other = pool_for(side.other, model_id).pool
    gaps = gaps_for(model_id)
    for start in range(0, len(own.items), RANK_BATCH):
        queries = own.items[start:start + RANK_BATCH]
        ranked = ranking.rank_many(queries, own.vectors[start:start + RANK_BATCH], other, weights=weights(),
                                   gaps=gaps, top_n=top_n, floor=floor, candidates=settings.MATCHING_CANDIDATES,
                                   explain_top=None if explain else 0)
        yield {q.listing.id: r for q, r in zip(queries, ranked, strict=True)}


def _query(side: Side, obj: ListingBase, model_id: str) -> tuple[ranking.Prepared, np.ndarray | None]:
    terms = load_terms(side, [obj.pk]).get(obj.pk)
    vec = load_vectors(side, model_id, [obj.pk]).get(obj.pk)
    return ranking.prepare(ranking_listing(obj), terms), vec


def listing_rank(*, side: Side, listing_id: int, reverse: bool = True) -> int:
    """Rank the other side for one published listing and store its suggestions.

    With `reverse`, the listings it suggests are queued to be ranked in turn, so the new
    listing also enters their lists. Returns the number of suggestions stored."""
    obj = published_listings(side).filter(pk=listing_id).first()
    if obj is None:
        return 0
    model_id = get_embedder().model_id
    query, vec = _query(side, obj, model_id)
    if vec is None:
        listings_embed(side=side, objs=[obj])
        query, vec = _query(side, obj, model_id)
    pool = pool_for(side.other, model_id).pool
    cands = ranking.rank(query, vec, pool, weights=weights(), gaps=gaps_for(model_id),
                         top_n=settings.MATCHING_TOP_N, floor=settings.MATCHING_SCORE_FLOOR,
                         candidates=settings.MATCHING_CANDIDATES)
    store_rankings(side=side, results={obj.pk: cands}, model_id=model_id)
    if reverse and cands:
        from .tasks import listing_rank_only

        for c in cands:
            listing_rank_only.delay_on_commit(side.other.kind, c.id)
    return len(cands)


def listing_index(*, side: Side, listing_id: int) -> int:
    """What publishing or editing triggers: embed (if needed), then rank."""
    listing_embed(side=side, listing_id=listing_id)
    return listing_rank(side=side, listing_id=listing_id)


_ROW_FIELDS = ("id", "scenario_id", "capability_id", "status", "s2c_score", "s2c_rank", "c2s_score", "c2s_rank",
               "parts", "explanation", "score", "band", "model_id")
_WRITE_FIELDS = ["s2c_score", "s2c_rank", "c2s_score", "c2s_rank", "parts", "explanation", "score", "band",
                 "model_id", "updated_at"]


class _Row:
    """A match row as plain attributes: storing 400k suggestions must not build 400k model objects."""

    __slots__ = (*_ROW_FIELDS, "updated_at", "created_at", "decision_reason")

    def __init__(self, **values):
        for k in self.__slots__:
            setattr(self, k, values.get(k))


def store_rankings(*, side: Side, results: dict[int, list[ranking.Candidate]], model_id: str) -> dict[str, int]:
    """Upsert the suggestions of listings of `side` ({listing_id: ranked candidates}).

    Only this direction's fields (s2c_* for needs, c2s_* for offerings) are written. Decided
    matches are left exactly as they are. Unchanged rows are not written, so a second run with
    the same inputs writes nothing. Suggestions that fell out of a list lose this direction's
    rank; a suggestion ranked by neither side any more, with no interest, is deleted. The
    existing rows are locked (select_for_update) for the duration.
    """
    prefix = side.prefix
    other_prefix = side.other.prefix
    ids = list(results)
    now = timezone.now()
    with transaction.atomic():
        existing: dict[tuple[int, int], _Row] = {}
        for start in range(0, len(ids), 2000):
            rows = (Match.objects.select_for_update().filter(**{f"{side.fk_id}__in": ids[start:start + 2000]})
                    .values_list(*_ROW_FIELDS))
            for values in rows:
                row = _Row(**dict(zip(_ROW_FIELDS, values, strict=True)))
                existing[(row.scenario_id, row.capability_id)] = row
        with_interest = set(MatchInterest.objects.filter(match_id__in=[r.id for r in existing.values()])
                            .values_list("match_id", flat=True))
        creates: list[_Row] = []
        updates: list[_Row] = []
        deletes: list[int] = []
        touched = set()
        for listing_id, cands in results.items():
            for rank_pos, c in enumerate(cands, start=1):
                key = side.pair(listing_id, c.id)
                touched.add(key)
                parts = {"dense": c.dense, "lexical": c.lexical, "structured": c.structured}
                row = existing.get(key)
                if row is None:
                    creates.append(_Row(scenario_id=key[0], capability_id=key[1], status=MatchStatus.SUGGESTED,
                                        model_id=model_id, explanation=c.explanation or {}, parts={prefix: parts},
                                        score=c.score, band=band_of(c.score), decision_reason="", created_at=now,
                                        updated_at=now,
                                        **{f"{prefix}_score": c.score, f"{prefix}_rank": rank_pos}))
                    continue
                if row.status not in ENGINE_OWNED:
                    continue  # an officer decided: never overwritten
                other_score = getattr(row, f"{other_prefix}_score")
                score = max(c.score, other_score) if other_score is not None else c.score
                changes = {f"{prefix}_score": c.score, f"{prefix}_rank": rank_pos,
                           "parts": {**(row.parts or {}), prefix: parts},
                           "explanation": c.explanation or row.explanation,
                           "score": score, "band": band_of(score), "model_id": model_id}
                if any(getattr(row, k) != v for k, v in changes.items()):
                    for k, v in changes.items():
                        setattr(row, k, v)
                    updates.append(row)
        for key, row in existing.items():
            if key in touched or row.status not in ENGINE_OWNED:
                continue
            if getattr(row, f"{prefix}_rank") is None and getattr(row, f"{prefix}_score") is None:
                continue
            if (getattr(row, f"{other_prefix}_rank") is None and row.status == MatchStatus.SUGGESTED
                    and row.id not in with_interest):
                deletes.append(row.id)
                continue
            setattr(row, f"{prefix}_score", None)
            setattr(row, f"{prefix}_rank", None)
            row.parts = {k: v for k, v in (row.parts or {}).items() if k != prefix}
            row.score = getattr(row, f"{other_prefix}_score") or 0.0
            row.band = band_of(row.score)
            updates.append(row)
        for row in updates:
            row.updated_at = now
        _write_rows(creates, ["scenario_id", "capability_id", "status", "decision_reason", "created_at",
                              *_WRITE_FIELDS], insert=True)
        _write_rows(updates, _WRITE_FIELDS, insert=False)
        if deletes:
            Match.objects.filter(pk__in=deletes).delete()
        ListingVector.objects.filter(kind=side.kind, model_id=model_id, listing_id__in=ids).update(ranked_at=now)
    return {"created": len(creates), "updated": len(updates), "deleted": len(deletes)}


def _write_rows(rows: list[_Row], fields: list[str], *, insert: bool) -> None:
    """INSERT, or UPDATE … WHERE id = %s, for each row in one executemany.

    bulk_create/bulk_update cost more than the ranking itself when a full re-rank writes hundreds
    of thousands of rows (bulk_update builds a CASE WHEN per row and field). The values are
    prepared by the model fields themselves, so JSON and time zones are stored exactly as the ORM
    would store them."""
    if not rows:
        return
    from django.db import connection

    meta = Match._meta
    model_fields = [meta.get_field(f) for f in fields]
    qn = connection.ops.quote_name
    if insert:
        sql = (f"INSERT INTO {qn(meta.db_table)} (" + ", ".join(qn(f.column) for f in model_fields)
               + ") VALUES (" + ", ".join(["%s"] * len(model_fields)) + ")")
    else:
        sql = (f"UPDATE {qn(meta.db_table)} SET " + ", ".join(f"{qn(f.column)} = %s" for f in model_fields)
               + f" WHERE {qn(meta.pk.column)} = %s")
    params = []
    for row in rows:
        values = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in model_fields]
        params.append(values if insert else [*values, row.id])
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start:start + 5000])


def listing_unpublish(*, side: Side, listing_id: int) -> int:
    """A listing left the published set: delete its undecided suggestions that nobody showed
    interest in. Decided matches and shortlisted ones stay, for the record."""
    with transaction.atomic():
        n, _detail = (Match.objects.filter(**{side.fk_id: listing_id}, status=MatchStatus.SUGGESTED)
                      .exclude(interests__isnull=False).delete())
    return n


# --- full re-rank -----------------------------------------------------------------------------

def rerank_start(*, actor: User | None, reason: str = "") -> RerankJob:
    """Queue a full re-rank (officers, or a management command with actor None). If one is
    already queued or running, that job is returned instead of starting a second."""
    if actor is not None and not user_is_officer(user=actor):
        raise NotAllowed(_("Only program officers can start a re-rank."))
    with transaction.atomic():
        active = RerankJob.objects.select_for_update().filter(
            status__in=[RerankJob.Status.QUEUED, RerankJob.Status.RUNNING]).first()
        if active:
            return active
        total = sum(published_listings(k).count() for k in SIDES)
        job = RerankJob.objects.create(total=total, reason=(reason or "")[:200], created_by=actor)
        from .tasks import rerank_run as task

        task.delay_on_commit(job.pk)
    return job


def _progress(job: RerankJob, **fields) -> None:
    for k, v in fields.items():
        setattr(job, k, v)
    RerankJob.objects.filter(pk=job.pk).update(**fields)


def rerank_run(*, job_id: int) -> RerankJob:
    """Embed what the current model lacks, then rank every published listing in both directions.

    Safe to run again on a failed or interrupted job: embedding skips what is stored, storing
    rankings writes only what changed."""
    job = RerankJob.objects.get(pk=job_id)
    if job.status == RerankJob.Status.DONE:
        return job
    embedder = get_embedder()
    model_id = embedder.model_id
    objs = {k: list(published_listings(k).order_by("id")) for k in SIDES}
    _progress(job, status=RerankJob.Status.RUNNING, started_at=timezone.now(), model_id=model_id,
              total=sum(len(v) for v in objs.values()), done=0, embedded=0, error="")
    try:
        embedded = 0
        for side in SIDES:
            for start in range(0, len(objs[side]), 64):
                embedded += listings_embed(side=side, objs=objs[side][start:start + 64])
                _progress(job, embedded=embedded)
        pool_cache_clear()
        done = 0
        for side in SIDES:
            ranked = 0
            for results in iter_rank_side(side, model_id=model_id, top_n=settings.MATCHING_TOP_N,
                                          floor=settings.MATCHING_SCORE_FLOOR):
                store_rankings(side=side, results=results, model_id=model_id)
                ranked += len(results)
                done += len(results)
                _progress(job, done=done)
            # listings published without a vector are counted as done: nothing to rank them with
            done += len(objs[side]) - ranked
            _progress(job, done=done)
        _progress(job, status=RerankJob.Status.DONE, finished_at=timezone.now())
    except Exception as exc:
        _progress(job, status=RerankJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    return job


# --- reconciling ------------------------------------------------------------------------------

def listings_needing_index(side: Side) -> list[int]:
    """Published listings with no vector for the current model and text, or never ranked."""
    model_id = get_embedder().model_id
    have = {lid: (h, ranked) for lid, h, ranked in ListingVector.objects.filter(kind=side.kind, model_id=model_id)
            .values_list("listing_id", "text_hash", "ranked_at")}
    out = []
    for obj in published_listings(side).order_by("id"):
        h, ranked = have.get(obj.pk, (None, None))
        if h != vector_hash(ranking_listing(obj)) or ranked is None:
            out.append(obj.pk)
    return out


def matching_reconcile() -> int:
    """Queue every published listing whose indexing is missing. Returns how many were queued."""
    from .tasks import listing_index as task

    queued = 0
    for side in SIDES:
        for pk in listings_needing_index(side):
            task.delay(side.kind, pk)
            queued += 1
    if queued:
        log.info("reconcile: queued %d listings", queued)
    return queued
