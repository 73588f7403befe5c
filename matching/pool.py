"""The published listings of one side with their vectors, terms and facts, ready to rank
against: cached per process and brought up to date incrementally (only new, edited,
re-embedded or unpublished listings are reloaded)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from dataclasses import field as dc_field

import numpy as np
from django.db.models import Count, Max

from core.side import SIDES, Side
from matching.engine import ranking
from scenarios.models import ListingStatus

from .adapters import load_terms, load_vectors, published_listings, ranking_listing
from .models import ListingTerms, ListingVector


@dataclass
class _PoolEntry:
    """A pool and what it was built from, so that a change to a few listings among 100k reloads
    and re-prepares only those (new, edited, re-embedded or unpublished ones)."""

    stamp: tuple = ()
    marks: tuple = (None, None, None)  # newest updated_at seen: listings, vectors, terms
    items: dict[int, ranking.Prepared] = dc_field(default_factory=dict)
    vectors: dict[int, np.ndarray] = dc_field(default_factory=dict)
    counts: dict[int, tuple[np.ndarray, np.ndarray]] = dc_field(default_factory=dict)
    vocab: dict[str, int] = dc_field(default_factory=dict)
    pool: ranking.Pool | None = None


_pools: dict[tuple[str, str], _PoolEntry] = {}
_pool_lock = threading.Lock()


def _pool_stamp(side: Side, model_id: str) -> tuple:
    """Changes whenever a listing of `side` is published, unpublished or edited, or a vector or
    terms row of that side is written (indexed columns: a few milliseconds at 100k listings)."""
    model = side.model
    a = model.objects.filter(status=ListingStatus.PUBLISHED).aggregate(n=Count("id"), t=Max("updated_at"))
    t_all = model.objects.aggregate(t=Max("updated_at"))["t"]
    b = ListingVector.objects.filter(kind=side.kind, model_id=model_id).aggregate(n=Count("id"), t=Max("updated_at"))
    c = ListingTerms.objects.filter(kind=side.kind).aggregate(n=Count("id"), t=Max("updated_at"))
    return (a["n"], a["t"], t_all, b["n"], b["t"], c["n"], c["t"])


def _changed_since(qs, mark, id_field: str) -> set[int]:
    if mark is None:
        return set()
    # >= rather than >: rows written in the same instant as the mark are re-read, never missed
    return set(qs.filter(updated_at__gte=mark).values_list(id_field, flat=True))


def _refresh(entry: _PoolEntry, side: Side, model_id: str, stamp: tuple) -> None:
    model = side.model
    vec_qs = ListingVector.objects.filter(kind=side.kind, model_id=model_id)
    terms_qs = ListingTerms.objects.filter(kind=side.kind)
    marks = (model.objects.aggregate(t=Max("updated_at"))["t"], vec_qs.aggregate(t=Max("updated_at"))["t"],
             terms_qs.aggregate(t=Max("updated_at"))["t"])
    published = set(model.objects.filter(status=ListingStatus.PUBLISHED).values_list("id", flat=True))
    if entry.pool is None:
        stale = published
    else:
        changed = (_changed_since(model.objects.all(), entry.marks[0], "id")
                   | _changed_since(vec_qs, entry.marks[1], "listing_id")
                   | _changed_since(terms_qs, entry.marks[2], "listing_id"))
        stale = (published - entry.items.keys()) | (changed & published)
    for pk in set(entry.items) - published:
        entry.items.pop(pk, None)
        entry.vectors.pop(pk, None)
        entry.counts.pop(pk, None)
    stale_ids = sorted(stale)
    for start in range(0, len(stale_ids), 5000):
        chunk = stale_ids[start:start + 5000]
        vectors = load_vectors(side, model_id, chunk)
        terms = load_terms(side, chunk)
        for obj in published_listings(side).filter(pk__in=chunk):
            vec = vectors.get(obj.pk)
            if vec is None:  # not embedded yet; the reconciling pass will queue it
                entry.items.pop(obj.pk, None)
                entry.vectors.pop(obj.pk, None)
                entry.counts.pop(obj.pk, None)
                continue
            item = ranking.prepare(ranking_listing(obj), terms.get(obj.pk))
            entry.items[obj.pk] = item
            entry.vectors[obj.pk] = vec
            entry.counts[obj.pk] = ranking.term_counts(item.terms, entry.vocab)
    if entry.pool is None or stale or len(entry.pool.items) != len(entry.items):
        ids = sorted(entry.items)
        dim = next(iter(entry.vectors.values())).shape[0] if entry.vectors else 1
        vectors = np.vstack([entry.vectors[i] for i in ids]) if ids else np.zeros((0, dim), dtype=np.float32)
        index = ranking.LexicalIndex(counts=[entry.counts[i] for i in ids], vocab=entry.vocab)
        entry.pool = ranking.Pool([entry.items[i] for i in ids], vectors, index=index)
    entry.stamp, entry.marks = stamp, marks


def pool_for(side: Side, model_id: str) -> _PoolEntry:
    """The published listings of `side` with a vector for `model_id`, ready to rank against;
    cached per process and brought up to date incrementally when anything changed."""
    stamp = _pool_stamp(side, model_id)
    with _pool_lock:
        entry = _pools.setdefault((side, model_id), _PoolEntry())
        if entry.pool is None or entry.stamp != stamp:
            _refresh(entry, side, model_id, stamp)
        return entry


def pool_cache_clear() -> None:
    with _pool_lock:
        _pools.clear()


def gaps_for(model_id: str) -> ranking.LanguageGaps:
    """Language gaps measured over both published sides (from the cached pools' sums)."""
    return ranking.LanguageGaps.from_pools(*(pool_for(k, model_id).pool for k in SIDES))


