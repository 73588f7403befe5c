"""Ranking: pure functions over plain data (no ORM), used by the site, the re-rank job and the
evaluation command alike.

For a query listing (a need or an offering) and a pool of listings of the other side:

1. **dense**: cosine of the two embeddings;
2. **lexical**: BM25 over jieba terms of the Simplified text, plus domain-concept tokens that
   give a term in one language or wording its counterparts in the other (matching.lexicon);
3. **structured**: the need's stated requirements (certification, deployment, invasiveness,
   wearables, cameras, integration, turnaround) checked against what the offering states
   (matching.engine.facts), plus field and region agreement.

Cross-language cosines are first raised by the language gap measured on the corpus itself
(`LanguageGaps`): a multilingual model scores an English text against a Chinese one lower than
two Chinese texts whatever they say. Dense and lexical scores are then standardised over the
query's whole pool (z-scores: how far a candidate stands out from every other listing of that
side), which puts two scales that have nothing in common on one without fitting anything to
labels. The weighted sum of the two z-scores and the structured points is the fused score;
`squash` maps it into (0, 1) for display and for the score floor.

Scoring is matrix work (one matmul for dense, one sparse product for BM25), so ranking one
listing against 100k, or 10k listings against 10k, stays fast.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from core.text import tokenize
from matching.engine import facts as facts_mod
from matching.engine import lexicon
from matching.engine.listing import Listing, Prepared

BM25_K1 = 1.2
BM25_B = 0.75
# A term repeated in a long query saturates the way a document term does.
BM25_K3 = 2.0
# Stored terms are recomputed when this changes (tokenisation, lexicon or TITLE_REPEAT changed).
TERMS_VERSION = "1"
# The title names the need or the product; its terms count twice.
TITLE_REPEAT = 2


def listing_terms(listing: Listing) -> list[str]:
    text = "\n".join(p for p in (listing.description, listing.extra) if p)
    return tokenize(listing.title) * TITLE_REPEAT + tokenize(text) + lexicon.concept_tokens(listing.text)


def prepare(listing: Listing, terms: Sequence[str] | None = None) -> Prepared:
    """`terms` may come from storage (matching.models.ListingTerms) to skip segmentation."""
    return Prepared(listing=listing, terms=tuple(terms if terms is not None else listing_terms(listing)),
                    facts=facts_mod.extract(listing))


@dataclass(frozen=True)
class Weights:
    dense: float = 0.85
    lexical: float = 0.15
    structured: float = 0.25


def term_counts(terms: Sequence[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """One document's (term ids, term frequencies), growing `vocab` with new terms."""
    counts = Counter(terms)
    ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in counts), dtype=np.int64, count=len(counts))
    return ids, np.fromiter(counts.values(), dtype=np.float32, count=len(counts))


class LexicalIndex:
    """BM25 over a pool: a sparse (documents × vocabulary) matrix of document-side term weights,
    so that scoring a query is one sparse product.

    Built from per-document term counts, which a caller may keep between builds (the site's pool
    cache does, so that one new listing among 100k does not re-count the other 99,999)."""

    def __init__(self, docs: Sequence[Sequence[str]] | None = None, *,
                 counts: Sequence[tuple[np.ndarray, np.ndarray]] | None = None, vocab: dict[str, int] | None = None):
        self.vocab: dict[str, int] = vocab if vocab is not None else {}
        if counts is None:
            counts = [term_counts(d, self.vocab) for d in (docs or [])]
        self.n = len(counts)
        lengths = np.array([float(tf.sum()) for _ids, tf in counts], dtype=np.float32)
        avg = float(lengths.mean()) if self.n else 1.0
        c = np.concatenate([ids for ids, _tf in counts]) if self.n else np.zeros(0, dtype=np.int64)
        tf = np.concatenate([t for _ids, t in counts]) if self.n else np.zeros(0, dtype=np.float32)
        r = np.repeat(np.arange(self.n, dtype=np.int64), [len(ids) for ids, _tf in counts])
        df = np.bincount(c, minlength=len(self.vocab)).astype(np.float32)
        self.idf_values = np.log1p((self.n - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / max(avg, 1e-9))
        weight = self.idf_values[c] * tf * (BM25_K1 + 1) / (tf + norm[r])
        # the vocabulary may be shared with later builds and grow; this index knows its first n_terms
        self.n_terms = len(self.vocab)
        self.matrix = sparse.csr_matrix((weight, (r, c)), shape=(self.n, self.n_terms), dtype=np.float32)

    def idf(self, term: str) -> float:
        j = self.vocab.get(term)
        if j is None or j >= self.n_terms:
            return float(math.log1p((self.n + 0.5) / 0.5))
        return float(self.idf_values[j])

    def query_matrix(self, queries: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """(queries × vocabulary) query-side weights; terms unknown to the pool are dropped."""
        rows, cols, vals = [], [], []
        for i, terms in enumerate(queries):
            for term, qtf in Counter(terms).items():
                j = self.vocab.get(term)
                if j is not None and j < self.n_terms:
                    rows.append(i)
                    cols.append(j)
                    vals.append(qtf * (BM25_K3 + 1) / (BM25_K3 + qtf))
        return sparse.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)),
                                 shape=(len(queries), self.n_terms), dtype=np.float32)

    def scores(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        """(queries × documents) BM25 scores."""
        if self.n == 0 or not self.n_terms:
            return np.zeros((len(queries), self.n), dtype=np.float32)
        return np.asarray((self.query_matrix(queries) @ self.matrix.T).toarray(), dtype=np.float32)


@dataclass
class Pool:
    """The listings of one side that queries are ranked against, with their vectors."""

    items: list[Prepared]
    vectors: np.ndarray  # (n, dim) float32, rows L2-normalised, aligned with items
    index: LexicalIndex | None = None  # built from the items' terms unless given
    table: facts_mod.FactsTable = field(init=False)

    def __post_init__(self) -> None:
        self.vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
        if self.index is None:
            self.index = LexicalIndex([p.terms for p in self.items])
        self.table = facts_mod.FactsTable([p for p in self.items])
        self.ids = [p.listing.id for p in self.items]
        self.groups = [language_group(p.listing.language) for p in self.items]
        self.language_n, self.language_sum = _group_sums(self.vectors, [p.listing.language for p in self.items])
        # the evaluation contract: ties are broken by id ascending
        order = sorted(range(len(self.ids)), key=lambda i: _id_key(self.ids[i]))
        self._tiebreak = np.empty(len(self.ids), dtype=np.int64)
        self._tiebreak[order] = np.arange(len(self.ids))

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class Candidate:
    id: int | str
    score: float
    dense: float
    lexical: float
    structured: float
    explanation: dict | None = None


def _id_key(v: int | str) -> tuple:
    return (0, v, "") if isinstance(v, int) else (1, 0, str(v))


def _z(x: np.ndarray) -> np.ndarray:
    """Row-wise z-scores; a row with no spread scores 0 everywhere."""
    if x.shape[-1] < 2:
        return np.zeros_like(x)
    sd = x.std(axis=-1, keepdims=True)
    sd[sd < 1e-6] = 1.0
    return (x - x.mean(axis=-1, keepdims=True)) / sd


def language_group(language: str) -> str:
    """Simplified and Traditional Chinese are one group: both are embedded and segmented after
    conversion to Simplified. Everything else groups by its own code."""
    return "zh" if (language or "zh").startswith("zh") else language


def _group_sums(vectors: np.ndarray, languages: Sequence[str]) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    groups = np.array([language_group(x) for x in languages])
    n: dict[str, int] = {}
    sums: dict[str, np.ndarray] = {}
    for g in sorted(set(groups.tolist())):
        rows = np.asarray(vectors, dtype=np.float64)[groups == g]
        n[g] = len(rows)
        sums[g] = rows.sum(axis=0)
    return n, sums


class LanguageGaps:
    """How much lower the model scores text in another language, measured on the corpus itself.

    A multilingual model gives a pair in two languages a lower cosine than a same-language pair
    whatever they say. From the listings of both sides we measure, for languages a and b, the
    mean cosine of same-language pairs in a and of pairs across a and b; their difference is
    added back to cross-language cosines. No labels are involved, and the estimate rests on
    every pair of the corpus (mean pairwise cosine = dot product of summed unit vectors), so it
    is stable even where one language has few listings.
    """

    def __init__(self, vectors: np.ndarray, languages: Sequence[str]):
        self.n, self.sum = _group_sums(vectors, languages)

    @classmethod
    def from_pools(cls, *pools: Pool) -> LanguageGaps:
        """Gaps measured over several pools (both sides of the platform), from their cached sums."""
        gaps = cls(np.zeros((0, 1)), [])
        for pool in pools:
            for g, n in pool.language_n.items():
                gaps.n[g] = gaps.n.get(g, 0) + n
                gaps.sum[g] = gaps.sum.get(g, 0) + pool.language_sum[g]
        return gaps

    def _same(self, a: str) -> float | None:
        n = self.n.get(a, 0)
        if n < 2:
            return None
        return float((self.sum[a] @ self.sum[a] - n) / (n * (n - 1)))

    def _cross(self, a: str, b: str) -> float:
        return float(self.sum[a] @ self.sum[b] / (self.n[a] * self.n[b]))

    def gap(self, a: str, b: str) -> float:
        """What to add to the cosine of a text in group `a` with one in group `b`."""
        if a == b or a not in self.n or b not in self.n:
            return 0.0
        same = self._same(a)
        if same is None:  # one listing in `a`: assume the gap is symmetric
            same_b = self._same(b)
            return max(0.0, same_b - self._cross(b, a)) if same_b is not None else 0.0
        return max(0.0, same - self._cross(a, b))


def squash(fused: float) -> float:
    """(0, 1) from a fused score; 0.5 where a candidate stands 1.5 standard deviations out."""
    return 1.0 / (1.0 + math.exp(-(fused - 1.5) * 1.5))


def rank_many(queries: Sequence[Prepared], query_vectors: np.ndarray | None, pool: Pool, *,
              weights: Weights, gaps: LanguageGaps | None = None, top_n: int | None = None,
              floor: float | None = None, candidates: int = 200,
              explain_top: int | None = None) -> list[list[Candidate]]:
    """Rank `pool` for each query, best first, ties by id ascending.

    Dense and lexical scores are computed for the whole pool; the structured part (the costly
    one) for the best `candidates` by the other two, which are the only ones that can be stored.
    `top_n`/`floor` cut each list for storage; evaluation passes neither and gets full lists.
    Explanations are attached to the first `explain_top` (default: all returned) candidates.
    `gaps` (measured on both sides' listings) corrects cross-language cosines; without it the
    pool's own listings and the queries are measured.
    """
    n = len(pool)
    if n == 0 or not queries:
        return [[] for _ in queries]
    if query_vectors is not None and pool.vectors.size:
        qv = np.asarray(query_vectors, dtype=np.float32)
        dense = qv @ pool.vectors.T
        if gaps is None:
            gaps = LanguageGaps(np.vstack([pool.vectors, qv]),
                                [p.listing.language for p in pool.items] + [q.listing.language for q in queries])
        adjusted = dense + _gap_matrix(queries, pool, gaps)
    else:
        dense = adjusted = np.zeros((len(queries), n), dtype=np.float32)
    lexical = pool.index.scores([q.terms for q in queries])
    base = weights.dense * _z(adjusted) + weights.lexical * _z(lexical)
    out = []
    k = min(candidates, n)
    for qi, query in enumerate(queries):
        row = base[qi]
        if k <= 0:
            cand = np.zeros(0, dtype=np.int64)
        elif k < n:
            cand = np.argpartition(-row, k - 1)[:k]
        else:
            cand = np.arange(n)
        structured = facts_mod.agreement_many(query, pool.table, cand)
        fused = row.copy()
        fused[cand] += weights.structured * structured
        struct_full = np.zeros(n, dtype=np.float32)
        struct_full[cand] = structured
        # strict order: by fused score descending, then id ascending. Only the first `top_n`
        # are needed for storage: order the candidates and the best of the rest, not all n.
        if top_n is not None and top_n + k < n:
            rest = np.setdiff1d(np.argpartition(-row, min(top_n + k, n - 1))[:top_n + k], cand,
                                assume_unique=True)
            subset = np.concatenate([cand, rest])
            order = subset[np.lexsort((pool._tiebreak[subset], -fused[subset]))]
        else:
            order = np.lexsort((pool._tiebreak, -fused))
        limit = n if top_n is None else min(top_n, n)
        ranked: list[Candidate] = []
        for i in order:
            score = squash(float(fused[i]))
            if floor is not None and score < floor:
                break
            ranked.append(Candidate(id=pool.ids[i], score=round(score, 4), dense=round(float(dense[qi, i]), 4),
                                    lexical=round(float(lexical[qi, i]), 4),
                                    structured=round(float(struct_full[i]), 4)))
            if len(ranked) >= limit:
                break
        n_explain = len(ranked) if explain_top is None else min(explain_top, len(ranked))
        for c, i in zip(ranked[:n_explain], order, strict=False):
            c.explanation = explain(query, pool.items[i], pool.index)
        out.append(ranked)
    return out


def _gap_matrix(queries: Sequence[Prepared], pool: Pool, gaps: LanguageGaps) -> np.ndarray:
    out = np.zeros((len(queries), len(pool)), dtype=np.float32)
    pool_groups = np.array(pool.groups)
    for qi, q in enumerate(queries):
        qg = language_group(q.listing.language)
        for g in set(pool.groups):
            if g != qg:
                out[qi, pool_groups == g] = gaps.gap(qg, g)
    return out


def rank(query: Prepared, query_vector: np.ndarray | None, pool: Pool, *, weights: Weights,
         gaps: LanguageGaps | None = None, top_n: int | None = None, floor: float | None = None,
         candidates: int = 200, explain_top: int | None = None) -> list[Candidate]:
    qv = None if query_vector is None else np.asarray(query_vector, dtype=np.float32)[None, :]
    return rank_many([query], qv, pool, weights=weights, gaps=gaps, top_n=top_n, floor=floor,
                     candidates=candidates, explain_top=explain_top)[0]


def explain(query: Prepared, other: Prepared, index: LexicalIndex, *, max_terms: int = 8) -> dict:
    """What a person can check: the shared key terms (rarest first; a domain concept shows its
    name in both languages, and stands for its Chinese word), each requirement the need states
    and whether the offering meets it, does not, or does not say, and field / region agreement."""
    need, offer = (query, other) if query.listing.side.is_need else (other, query)
    shared = set(query.terms).intersection(other.terms)
    concepts = [t for t in shared if t.startswith(lexicon.CONCEPT_PREFIX)]
    covered = {t[len(lexicon.CONCEPT_PREFIX):] for t in concepts}
    words = [t for t in shared if not t.startswith(lexicon.CONCEPT_PREFIX) and t not in covered]
    best = heapq.nsmallest(max_terms, concepts + words, key=lambda t: (-index.idf(t), t))
    return {
        "shared_terms": [lexicon.concept_label(t) or t for t in best],
        "requirements": facts_mod.check(need.facts, offer.facts),
        "field_match": bool(need.listing.field) and need.listing.field == offer.listing.field,
        "region_match": facts_mod.region_match(need.listing, offer.listing),
    }
