"""`evaluate_matching` reads dev-bench-format files into a throwaway database and prints metrics."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCENARIOS = [
    {"id": "S2", "title": "夜间长者跌倒发现不及时", "description": "护理院夜间人手少，长者跌倒后很久才被发现，家属反对安装摄像头。",
     "field": "远程监护", "org_type": "elderly_care", "region": "长沙", "language": "zh-hans"},
    {"id": "S1", "title": "體檢中心肺結節閱片壓力大", "description": "每天大量低劑量CT，幾毫米的磨玻璃影容易漏看，需要自動檢出並與歷史片對比。",
     "field": "智能影像", "org_type": "hospital", "region": "香港", "language": "zh-hant"},
]
CAPABILITIES = [
    {"id": "C3", "title": "Lung nodule detection on low-dose CT", "description": "Detects solid and ground-glass "
     "nodules and compares them with prior scans.", "field": "智能影像", "org_type": "company", "region": "上海",
     "language": "en"},
    {"id": "C1", "title": "毫米波雷达跌倒监测终端", "description": "不采集图像，老人无需佩戴，识别跌倒并通知值班人员。",
     "field": "远程监护", "org_type": "company", "region": "长沙", "language": "zh-hans"},
    {"id": "C2", "title": "细胞治疗CDMO服务", "description": "慢病毒载体与CAR-T细胞工艺开发及GMP生产。",
     "field": "细胞与基因治疗", "org_type": "company", "region": "苏州", "language": "zh-hans"},
]


def _write(tmp_path):
    s, c, q = tmp_path / "s.jsonl", tmp_path / "c.jsonl", tmp_path / "q.tsv"
    s.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in SCENARIOS), encoding="utf-8")
    c.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in CAPABILITIES), encoding="utf-8")
    q.write_text("scenario_id\tcapability_id\tgrade\nS1\tC3\t2\nS2\tC1\t2\n", encoding="utf-8")
    return s, c, q


def _run(tmp_path, *extra, embedder="hashing"):
    s, c, q = _write(tmp_path)
    env = dict(os.environ, MATCHING_EMBEDDER=embedder)
    return subprocess.run([sys.executable, "manage.py", "evaluate_matching", "--scenarios", str(s),
                           "--capabilities", str(c), "--qrels", str(q), *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_evaluate_matching_prints_json_and_writes_a_complete_run(tmp_path):
    run_out = tmp_path / "run.json"
    out = _run(tmp_path, "--json", "--run-out", str(run_out), "--compare")
    assert out.returncode == 0, out.stderr
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(last) == {"s2c", "c2s"}
    assert set(last["s2c"]) == {"ndcg@5", "ndcg@10", "mrr", "recall@10"}
    assert all(0 <= v <= 1 for d in last.values() for v in d.values())
    assert "bm25" in out.stdout and "dense" in out.stdout
    run = json.loads(run_out.read_text(encoding="utf-8"))
    assert set(run) == {"S1", "S2"} and all(sorted(v) == ["C1", "C2", "C3"] for v in run.values())


@pytest.mark.model
def test_evaluate_matching_with_the_real_model_finds_the_cross_language_match(tmp_path):
    out = _run(tmp_path, "--json", "--run-out", str(tmp_path / "run.json"), embedder="e5-small")
    assert out.returncode == 0, out.stderr
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["S1"][0] == "C3"  # Traditional-Chinese need, English offer
    assert run["S2"][0] == "C1"
    assert json.loads(out.stdout.strip().splitlines()[-1])["s2c"]["mrr"] == 1.0


def test_evaluate_matching_never_touches_the_site_database(tmp_path, db):
    from scenarios.models import Scenario

    before = Scenario.objects.count()
    assert _run(tmp_path).returncode == 0
    assert Scenario.objects.count() == before


def test_evaluate_matching_rejects_malformed_files(tmp_path):
    s, c, q = _write(tmp_path)
    s.write_text('{"id": "S1", "title": "x"}\nnot json\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "manage.py", "evaluate_matching", "--scenarios", str(s),
                          "--capabilities", str(c), "--qrels", str(q)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode != 0 and "s.jsonl:1" in out.stderr
