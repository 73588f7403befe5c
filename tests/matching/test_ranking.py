"""The ranking's pure functions, without a database."""
import numpy as np
import pytest

from core.side import CAPABILITY, SCENARIO
from core.text import detect_language, normalize, tokenize
from matching.engine import evaluation, facts, lexicon, ranking


def L(id, side, title, description="", **kw):
    return ranking.Listing(id=id, side=side, title=title, description=description, **kw)


def unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


# --- text ------------------------------------------------------------------------------------

def test_tokenize_folds_traditional_into_simplified():
    assert set(tokenize("遠程監護平台")) & set(tokenize("远程监护平台")) >= {"远程", "监护"}


def test_normalize_maps_hong_kong_words_to_mainland_usage():
    assert "隐私" in normalize("基於私隱考慮") and "摄像头" in normalize("不宜安裝攝錄鏡頭")


def test_tokenize_drops_stopwords_and_numbers():
    terms = tokenize("我们的医院需要 2025 年的AI影像系统")
    assert "的" not in terms and "2025" not in terms and "ai" in terms and "影像" in terms


@pytest.mark.parametrize(("text", "lang"), [("长者认知障碍数字筛查平台", "zh-hans"),
                                            ("長者認知障礙數碼篩查平台", "zh-hant"),
                                            ("Wastewater surveillance of respiratory pathogens", "en")])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_concept_tokens_bridge_english_and_chinese():
    en = set(lexicon.concept_tokens("Home screening for obstructive sleep apnoea with a wearable"))
    zh = set(lexicon.concept_tokens("居家睡眠呼吸暂停筛查，佩戴手环"))
    assert "§睡眠呼吸暂停" in en & zh and "§可穿戴" in en & zh
    assert lexicon.concept_label("§睡眠呼吸暂停") == "睡眠呼吸暂停 (sleep apnea)"
    assert lexicon.concept_label("睡眠") is None


def test_english_concepts_need_a_word_boundary():
    assert "§跌倒" not in lexicon.concept_tokens("a waterfall chart of falling prices")


# --- facts -----------------------------------------------------------------------------------

def test_need_requirements_read_from_text():
    need = facts.extract(L(1, SCENARIO, "夜间跌倒发现",
                           "家属反对在房间安装摄像头，长者不肯戴手环。产品需取得NMPA三类注册证，数据不得离开医院，48小时内出结果。"))
    assert dict(need.values) == {"certification": 3, "on_premise": True, "no_wearable": True,
                                 "no_camera": True, "turnaround_h": 48.0}


def test_offer_negations_are_read_before_claims():
    offer = facts.extract(L(2, CAPABILITY, "雷达监测终端", "毫米波雷达不采集任何图像，老人无需佩戴任何设备，尚未取得医疗器械注册证。"))
    assert offer.get("wearable") is False and offer.get("camera") is False and offer.get("certification") == 0


def test_offer_saying_it_uses_no_camera_is_not_a_camera():
    offer = facts.extract(L(4, CAPABILITY, "压力感应床垫", "识别离床与翻身。不用摄像头，也不用长者佩戴设备。"))
    assert offer.get("camera") is False and offer.get("wearable") is False


def test_offer_structured_fields_take_precedence_over_text():
    offer = facts.extract(L(3, CAPABILITY, "软件", "已获第二类医疗器械注册证", certification="nmpa_iii",
                            deployment="cloud"))
    assert offer.get("certification") == 3 and offer.get("on_premise") is False


def test_check_reports_met_not_met_and_unknown():
    need = facts.extract(L(1, SCENARIO, "脑机接口康复", "只接受无创方案，需具备医疗器械注册证，数据留在院内。"))
    implanted = facts.extract(L(2, CAPABILITY, "植入式脑机接口", "颅内植入电极，已获第三类医疗器械注册证。"))
    statuses = {r["aspect"]: r["status"] for r in facts.check(need, implanted)}
    assert statuses == {"non_invasive": "not_met", "certification": "met", "on_premise": "unknown"}


def _prep(listing):
    return ranking.prepare(listing)


def test_agreement_many_equals_pairwise_agreement():
    need = _prep(L(1, SCENARIO, "夜间跌倒", "反对安装摄像头，不肯戴手环，需具备二类注册证，数据不出院，需与HIS对接。",
                   field="remote-monitoring", city="广州", province="广东"))
    offers = [_prep(L(10 + i, CAPABILITY, t, d, field=f, city=c, province=p)) for i, (t, d, f, c, p) in enumerate([
        ("雷达", "毫米波雷达，无需佩戴，不采集图像，已获第二类医疗器械注册证，可本地部署，对接HIS。", "remote-monitoring", "广州", "广东"),
        ("摄像头跌倒识别", "AI视觉摄像头识别跌倒，仅提供SaaS云服务。", "remote-monitoring", "深圳", "广东"),
        ("手环", "智能手环监测心率与跌倒，尚未取得注册证。", "medical-devices", "武汉", "湖北"),
        ("无关", "药物研发服务。", "drug-rnd", "", ""),
    ])]
    table = facts.FactsTable(offers)
    vec = facts.agreement_many(need, table, np.arange(len(offers)))
    assert vec == pytest.approx([facts.agreement(need, o) for o in offers])
    assert vec[0] > vec[3] > vec[1] and vec[0] > vec[2]
    # and from the offering's side, against several needs
    needs_table = facts.FactsTable([need])
    assert facts.agreement_many(offers[1], needs_table, np.array([0]))[0] == pytest.approx(facts.agreement(offers[1], need))


# --- ranking ---------------------------------------------------------------------------------

def _pool(items, vectors):
    return ranking.Pool([_prep(x) for x in items], np.vstack(vectors))


W = ranking.Weights(dense=0.85, lexical=0.15, structured=0.25)


def test_rank_returns_every_item_in_strict_order_with_ties_by_id():
    caps = [L(i, CAPABILITY, "同样的标题", "同样的描述文字内容") for i in (3, 1, 2)]
    pool = _pool(caps, [unit(1, 0)] * 3)
    out = ranking.rank(_prep(L(9, SCENARIO, "需求", "描述")), unit(1, 0), pool, weights=W)
    assert [c.id for c in out] == [1, 2, 3]


def test_rank_prefers_the_semantically_and_lexically_closer_offer():
    q = _prep(L(1, SCENARIO, "肺结节筛查", "体检低剂量CT肺结节漏诊，需要自动检出并随访对比。"))
    caps = [L(10, CAPABILITY, "肺结节CT智能检测", "检出实性与亚实性肺结节，随访对比。"),
            L(11, CAPABILITY, "冠脉CT-FFR分析", "冠状动脉狭窄功能评估。"),
            L(12, CAPABILITY, "病理切片扫描", "数字病理全切片扫描。")]
    out = ranking.rank(q, unit(1, 0.1), _pool(caps, [unit(1, 0.15), unit(0.2, 1), unit(0.1, 1)]), weights=W)
    assert out[0].id == 10 and out[0].score > out[1].score
    assert out[0].explanation["shared_terms"] and "肺结节 (lung nodule)" in out[0].explanation["shared_terms"]


def test_language_gap_lifts_a_cross_language_match():
    """Two Chinese offers are closer in raw cosine only because they share the query's language."""
    # the third axis stands for "written in Chinese": every Chinese text has it, English ones not
    vecs = [unit(1, 0, 1), unit(0.3, 0.6, 1), unit(0.5, 0.2, 1), unit(0.8, 0.4, 1),
            unit(1, 0, 0), unit(0.2, 0.9, 0)]
    langs = ["zh-hans"] * 4 + ["en", "en"]
    gaps = ranking.LanguageGaps(np.vstack(vecs), langs)
    assert gaps.gap("zh", "en") > 0.2 and gaps.gap("zh", "zh") == 0
    caps = [L(20, CAPABILITY, "无关的中文服务", "中文描述", language="zh-hans"),
            L(21, CAPABILITY, "Relevant English offer", "English text", language="en")]
    q = _prep(L(1, SCENARIO, "需求", "描述", language="zh-hans"))
    qv = unit(1, 0, 1)
    pool = _pool(caps, [unit(0.3, 0.6, 1), unit(1, 0, 0)])
    plain = ranking.rank(q, qv, pool, weights=ranking.Weights(1, 0, 0), gaps=ranking.LanguageGaps(np.zeros((0, 3)), []))
    fixed = ranking.rank(q, qv, pool, weights=ranking.Weights(1, 0, 0), gaps=gaps)
    assert plain[0].id == 20 and fixed[0].id == 21


def test_structured_part_demotes_an_offer_failing_the_motivating_constraint():
    q = _prep(L(1, SCENARIO, "夜间跌倒及时发现", "家属反对安装摄像头，长者不肯戴手环。"))
    caps = [L(10, CAPABILITY, "摄像头跌倒识别", "AI摄像头视频监控识别跌倒。"),
            L(11, CAPABILITY, "雷达跌倒监测", "毫米波雷达不采集图像，老人无需佩戴。")]
    same = [unit(1, 0), unit(1, 0)]
    out = ranking.rank(q, unit(1, 0), _pool(caps, same), weights=W)
    assert [c.id for c in out] == [11, 10]
    reqs = {r["aspect"]: r["status"] for r in out[1].explanation["requirements"]}
    assert reqs == {"no_camera": "not_met", "no_wearable": "unknown"}


def test_rank_cuts_by_top_n_and_floor():
    caps = [L(i, CAPABILITY, f"能力{i}", "描述文字") for i in range(10)]
    vecs = [unit(1, i / 3) for i in range(10)]
    q = _prep(L(1, SCENARIO, "需求", "描述"))
    assert len(ranking.rank(q, unit(1, 0), _pool(caps, vecs), weights=W, top_n=3)) == 3
    full = ranking.rank(q, unit(1, 0), _pool(caps, vecs), weights=W)
    floor = full[4].score
    floored = ranking.rank(q, unit(1, 0), _pool(caps, vecs), weights=W, floor=floor)
    assert [c.id for c in floored] == [c.id for c in full if c.score >= floor] and 5 <= len(floored) < 10


def test_rank_many_matches_rank_one_by_one():
    caps = [L(i, CAPABILITY, f"肺结节能力{i}", "肺结节检测随访") for i in range(5)]
    vecs = [unit(1, i / 4, 0.1) for i in range(5)]
    pool = _pool(caps, vecs)
    queries = [_prep(L(100 + j, SCENARIO, "肺结节需求", "漏诊")) for j in range(3)]
    qv = np.vstack([unit(1, j / 2, 0.1) for j in range(3)])
    gaps = ranking.LanguageGaps(np.vstack(vecs + list(qv)), ["zh-hans"] * 8)
    together = ranking.rank_many(queries, qv, pool, weights=W, gaps=gaps)
    for j, q in enumerate(queries):
        alone = ranking.rank(q, qv[j], pool, weights=W, gaps=gaps)
        assert [c.id for c in alone] == [c.id for c in together[j]]


def test_bm25_prefers_rarer_shared_terms():
    index = ranking.LexicalIndex([["肺结节", "检测"], ["检测", "服务"], ["检测", "平台"]])
    scores = index.scores([["肺结节", "检测"]])[0]
    assert scores[0] > scores[1] == pytest.approx(scores[2])
    assert index.idf("肺结节") > index.idf("检测")


# --- metrics ---------------------------------------------------------------------------------

def test_metrics_follow_the_bench_definitions():
    rel = {"a": 2, "b": 1}
    assert evaluation.ndcg_at(["a", "b", "c"], rel, 10) == pytest.approx(1.0)
    assert evaluation.ndcg_at(["c", "a"], rel, 5) == pytest.approx((2 / np.log2(3)) / (2 + 1 / np.log2(3)))
    assert evaluation.reciprocal_rank(["b", "c", "a"], rel) == pytest.approx(1 / 3)  # grade 1 does not count
    assert evaluation.recall_at(["c", "b"], rel, 10) == 0.5
    run = {"q1": ["a", "b"], "q2": ["x"]}
    scores = evaluation.score_run(run, {"q1": rel, "q2": {"y": 1}})
    assert scores["queries"] == 2 and scores["queries_mrr"] == 1 and scores["mrr"] == 1.0


def test_read_qrels_skips_header_and_rejects_bad_grades(tmp_path):
    good = tmp_path / "q.tsv"
    good.write_text("scenario_id\tcapability_id\tgrade\nS1\tC1\t2\nS1\tC2\t0\n", encoding="utf-8")
    assert evaluation.read_qrels(good) == {"S1": {"C1": 2}}
    bad = tmp_path / "bad.tsv"
    bad.write_text("scenario_id\tcapability_id\tgrade\nS1\tC1\ttwo\n", encoding="utf-8")
    with pytest.raises(evaluation.BenchFormatError):
        evaluation.read_qrels(bad)
