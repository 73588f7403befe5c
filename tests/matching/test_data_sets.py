"""Format checks for the hand-written evaluation data: bench/sets/* and the requirement-phrasing corpus.

These check the files only (they parse, use the allowed keys and values, and refer to ids that exist);
they never run the matching engine.
"""
import csv
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "bench" / "sets"
CORPUS = ROOT / "tests" / "matching" / "data" / "requirement_phrasings.jsonl"

# The value sets of ../shared/dev-bench/README.md, which bench/sets/* follow exactly.
ITEM_KEYS = ["id", "title", "description", "field", "org_type", "region", "language"]
FIELDS = {"精准诊疗", "智能影像", "数字疗法", "远程监护", "医药研发", "公共卫生应急", "智慧医院", "中医药", "医疗器械", "细胞与基因治疗"}
ORG_TYPES = {"hospital", "cdc", "pharma", "company", "university", "institute", "elderly_care"}
REGIONS = {"武汉", "宜昌", "襄阳", "荆州", "十堰", "黄石", "黄冈", "恩施", "长沙", "株洲", "湘潭", "岳阳", "郴州",
           "北京", "上海", "深圳", "广州", "杭州", "苏州", "南京", "郑州", "香港", "澳门"}
LANGUAGES = {"zh-hans", "zh-hant", "en"}
PREFIX = {"devmix": "D", "heldout": "H"}

# /work/coord/READING_SCHEMA.md
SYSTEMS = {"emr", "his", "insurance", "lis", "pacs", "ris"}
NEED_ASPECTS = {
    "deployment": ["on_premise", "cloud"],
    "certification": [1, 2, 3],
    "non_invasive": [True],
    "no_camera": [True],
    "no_wearable": [True],
    "population": ["paediatric", "adult", "elderly"],
}
OFFER_ASPECTS = {
    "deployment": ["on_premise", "cloud", "either"],
    "certification": [0, "pending", 1, 2, 3],
    "invasive": [True, False],
    "camera": [True, False],
    "wearable": [True, False],
    "population": ["paediatric", "adult", "elderly"],
}


def _jsonl(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number} is empty"
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            pytest.fail(f"{path.name}:{number} does not parse: {error}")
    return rows


def _tsv(path: Path, header: list[str]) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].split("\t") == header, f"{path.name}: header must be {header}"
    rows = list(csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE))
    for number, row in enumerate(rows, 2):
        assert len(row) == len(header), f"{path.name}:{number} has {len(row)} columns"
    return rows


def _items(name: str, kind: str) -> dict[str, dict]:
    filename = "scenarios.jsonl" if kind == "S" else "capabilities.jsonl"
    rows = _jsonl(SETS / name / filename)
    pattern = re.compile(rf"^{PREFIX[name]}-{kind}\d{{3}}$")
    for row in rows:
        assert list(row) == ITEM_KEYS, f"{name}/{filename} {row.get('id')}: keys {list(row)}"
        assert pattern.match(row["id"]), row["id"]
        assert isinstance(row["title"], str) and row["title"].strip(), row["id"]
        assert isinstance(row["description"], str) and row["description"].strip(), row["id"]
        assert row["field"] in FIELDS, (row["id"], row["field"])
        assert row["org_type"] in ORG_TYPES, (row["id"], row["org_type"])
        assert row["region"] in REGIONS, (row["id"], row["region"])
        assert row["language"] in LANGUAGES, (row["id"], row["language"])
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), f"{name}/{filename}: duplicate ids"
    return {row["id"]: row for row in rows}


@pytest.mark.parametrize("name", sorted(PREFIX))
def test_set_items_use_dev_bench_keys_and_values(name):
    scenarios = _items(name, "S")
    capabilities = _items(name, "C")
    assert len(scenarios) >= 40 and len(capabilities) >= 60
    assert (SETS / name / "README.md").is_file()


@pytest.mark.parametrize("name", sorted(PREFIX))
def test_set_qrels_refer_to_existing_items_with_grades_one_or_two(name):
    scenarios, capabilities = _items(name, "S"), _items(name, "C")
    rows = _tsv(SETS / name / "qrels.tsv", ["scenario_id", "capability_id", "grade"])
    pairs = [(s, c) for s, c, _ in rows]
    assert len(pairs) == len(set(pairs)), f"{name}: a pair is judged twice"
    for s, c, grade in rows:
        assert s in scenarios and c in capabilities, (s, c)
        assert grade in {"1", "2"}, (s, c, grade)
    per_scenario = {}
    for s, _ in pairs:
        per_scenario[s] = per_scenario.get(s, 0) + 1
    assert max(per_scenario.values()) <= 3


@pytest.mark.parametrize("name", sorted(PREFIX))
def test_set_hard_negatives_exist_and_are_not_relevant(name):
    scenarios, capabilities = _items(name, "S"), _items(name, "C")
    relevant = {(s, c) for s, c, _ in _tsv(SETS / name / "qrels.tsv", ["scenario_id", "capability_id", "grade"])}
    rows = _tsv(SETS / name / "hard_negatives.tsv", ["scenario_id", "capability_id", "note"])
    assert len(rows) >= 20
    pairs = [(s, c) for s, c, _ in rows]
    assert len(pairs) == len(set(pairs)), f"{name}: a trap is listed twice"
    for s, c, note in rows:
        assert s in scenarios and c in capabilities, (s, c)
        assert note.strip(), (s, c)
        assert (s, c) not in relevant, f"{name}: hard negative {s} {c} is also in qrels.tsv"


def _check_reading(entry: dict) -> None:
    allowed = NEED_ASPECTS if entry["side"] == "need" else OFFER_ASPECTS
    for aspect, value in entry["expect"].items():
        if aspect == "systems":
            assert isinstance(value, list) and value, entry["id"]
            assert value == sorted(set(value)) and set(value) <= SYSTEMS, (entry["id"], value)
        elif aspect == "turnaround_h":
            assert isinstance(value, int | float) and not isinstance(value, bool) and value > 0, (entry["id"], value)
        else:
            assert aspect in allowed, (entry["id"], entry["side"], aspect)
            # type-exact: True is not 1, "1" is not 1
            assert any(value == v and type(value) is type(v) for v in allowed[aspect]), (entry["id"], aspect, value)


def test_phrasing_corpus_entries_follow_the_reading_schema():
    entries = _jsonl(CORPUS)
    assert len(entries) >= 240
    ids = [e.get("id") for e in entries]
    assert len(ids) == len(set(ids)), "duplicate ids"
    texts = [e.get("text") for e in entries]
    assert len(texts) == len(set(texts)), "duplicate texts"
    for entry in entries:
        keys = set(entry)
        assert {"id", "side", "language", "text", "expect", "class"} <= keys <= {
            "id", "side", "language", "text", "expect", "preferred", "class"}, (entry.get("id"), keys)
        assert re.match(r"^P\d{3,}$", entry["id"]), entry["id"]
        assert entry["side"] in {"need", "offer"}, entry["id"]
        assert entry["language"] in LANGUAGES, entry["id"]
        assert isinstance(entry["text"], str) and entry["text"].strip(), entry["id"]
        assert isinstance(entry["class"], str) and entry["class"].strip(), entry["id"]
        assert isinstance(entry["expect"], dict), entry["id"]
        _check_reading(entry)
        if "preferred" in entry:
            assert entry["side"] == "need", entry["id"]
            preferred = entry["preferred"]
            assert isinstance(preferred, list) and preferred, entry["id"]
            assert set(preferred) <= set(entry["expect"]), (entry["id"], preferred)


def test_phrasing_corpus_covers_both_sides_languages_and_every_aspect():
    entries = _jsonl(CORPUS)
    for side, aspects in (("need", NEED_ASPECTS), ("offer", OFFER_ASPECTS)):
        stated = [a for e in entries if e["side"] == side for a in e["expect"]]
        for aspect in [*aspects, "systems", "turnaround_h"]:
            assert stated.count(aspect) >= 5, (side, aspect)
    for language in LANGUAGES:
        assert sum(e["language"] == language for e in entries) >= len(entries) // 10, language
    assert sum(not e["expect"] for e in entries) >= 30
