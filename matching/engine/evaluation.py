"""Reading a labelled set in the dev-bench format and scoring rankings (pure functions).

Files: scenarios.jsonl and capabilities.jsonl (one JSON object per line: id, title, description,
field, org_type, region, language) and qrels.tsv (scenario_id, capability_id, grade, with a
header line). Metrics as defined in the set's README: nDCG@5 and nDCG@10 with linear gains and a
log2 discount against the ideal ordering of all judged items; MRR of the first grade-2 item;
Recall@10 of items with grade ≥ 1; macro-averaged over the queries that have an item of the kind
the metric needs, with that number reported.
"""
from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REQUIRED_KEYS = ("id", "title", "description")


class BenchFormatError(ValueError):
    """The files are not in the expected format; the message names file and line."""


@dataclass(frozen=True)
class BenchItem:
    id: str
    title: str
    description: str
    field: str
    org_type: str
    region: str
    language: str


def read_items(path: str | Path) -> list[BenchItem]:
    items, seen = [], set()
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BenchFormatError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict) or any(not isinstance(obj.get(k), str) for k in REQUIRED_KEYS):
                raise BenchFormatError(f"{path}:{n}: needs string keys {', '.join(REQUIRED_KEYS)}")
            if obj["id"] in seen:
                raise BenchFormatError(f"{path}:{n}: duplicate id {obj['id']}")
            seen.add(obj["id"])
            items.append(BenchItem(id=obj["id"], title=obj["title"], description=obj["description"],
                                   field=str(obj.get("field") or ""), org_type=str(obj.get("org_type") or ""),
                                   region=str(obj.get("region") or ""), language=str(obj.get("language") or "")))
    return items


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """scenario_id → {capability_id: grade}, grades > 0 only."""
    out: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        for n, row in enumerate(reader, start=1):
            if not row or (n == 1 and not row[-1].strip().lstrip("-").isdigit()):
                continue
            if len(row) < 3:
                raise BenchFormatError(f"{path}:{n}: expected scenario_id, capability_id, grade")
            try:
                grade = int(row[2])
            except ValueError as exc:
                raise BenchFormatError(f"{path}:{n}: grade {row[2]!r} is not a whole number") from exc
            if grade > 0:
                out.setdefault(row[0].strip(), {})[row[1].strip()] = grade
    return out


def transpose(qrels: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for s, caps in qrels.items():
        for c, g in caps.items():
            out.setdefault(c, {})[s] = g
    return out


def _dcg(grades: Iterable[int]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at(ranking: Sequence[str], rel: Mapping[str, int], k: int) -> float:
    ideal = _dcg(sorted(rel.values(), reverse=True)[:k])
    return _dcg(rel.get(d, 0) for d in ranking[:k]) / ideal if ideal else 0.0


def reciprocal_rank(ranking: Sequence[str], rel: Mapping[str, int], grade: int = 2) -> float:
    for i, d in enumerate(ranking, start=1):
        if rel.get(d, 0) >= grade:
            return 1.0 / i
    return 0.0


def recall_at(ranking: Sequence[str], rel: Mapping[str, int], k: int) -> float:
    relevant = {d for d, g in rel.items() if g >= 1}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def score_run(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """Macro-averaged metrics of a run {query_id: [doc ids best first]} against graded labels."""
    graded = [q for q in run if any(g >= 1 for g in qrels.get(q, {}).values())]
    with_two = [q for q in run if any(g >= 2 for g in qrels.get(q, {}).values())]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    return {
        "ndcg@5": mean([ndcg_at(run[q], qrels[q], 5) for q in graded]),
        "ndcg@10": mean([ndcg_at(run[q], qrels[q], 10) for q in graded]),
        "mrr": mean([reciprocal_rank(run[q], qrels[q]) for q in with_two]),
        "recall@10": mean([recall_at(run[q], qrels[q], 10) for q in graded]),
        "queries": len(graded),
        "queries_mrr": len(with_two),
    }
