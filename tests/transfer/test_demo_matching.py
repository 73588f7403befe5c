"""With the real embedding model, the demo list ranks the capability written for a need near the
top: the demo is realistic enough to show what matching does."""
import io

import pytest
from django.core.management import call_command

from matching.models import Match
from matching.pool import pool_cache_clear
from scenarios.models import Scenario

pytestmark = [pytest.mark.django_db, pytest.mark.model]

# need → the capability written to answer it (marked TRUE in demo/listings.toml)
TRUE_PAIRS = {
    "体检中心低剂量CT肺结节筛查与随访管理": "肺结节CT智能辅助诊断系统",
    "急性缺血性脑卒中CT灌注快速评估": "急性脑卒中CT一站式智能分析",
    "社区糖尿病患者眼底筛查（糖网）": "糖尿病视网膜病变眼底AI筛查系统",
    "消化内镜实时质控与早癌辅助识别": "消化内镜AI实时质控与病灶识别系统",
    "宫颈液基细胞学AI辅助阅片": "宫颈液基细胞学AI辅助筛查",
    "慢性失眠数字化认知行为治疗": "失眠认知行为治疗数字疗法（CBT-I）",
    "儿童注意缺陷多动障碍（ADHD）家庭训练": "兒童注意力不足過動症數位療法",
    "阻塞性睡眠呼吸暂停全病程管理平台": "居家睡眠呼吸监测与呼吸机随访云平台",
    "长者夜间离床与跌倒及时发现": "毫米波雷达非接触式跌倒与离床监测",
    "院舍認知障礙症院友遊走及走失預防": "院舍院友室內定位及防走失系統",
    "候选药物临床前人源肝毒性评价": "人源肝芯片药物肝毒性评价服务",
    "Pharmacovigilance case intake automation": "AI-assisted pharmacovigilance case processing",
    "污水病原监测网络建设": "城市污水病原监测一体化服务",
    "门诊智能预问诊与病历草稿生成": "门诊智能预问诊与病历生成大模型",
    "Sepsis early warning in the ICU": "ICU脓毒症早期预警系统",
    "中医舌象客观化采集与分析": "中医四诊仪舌象面象智能分析",
    "重型颅脑损伤有创颅内压连续监测": "有创颅内压与脑温连续监测系统",
    "院内CAR-T细胞封闭式自动化制备": "封闭式自动化细胞制备工作站",
    "意识障碍患者残存意识评估": "意识障碍脑机接口评估系统",
    "住院藥物單劑量自動包藥及床邊核對": "住院单剂量自动摆药与闭环给药系统",
}


def test_demo_true_matches_rank_at_the_top_with_the_real_model(settings, django_capture_on_commit_callbacks):
    settings.MATCHING_EMBEDDER = "e5-small"
    settings.MATCHING_SCORE_FLOOR = 0.35
    pool_cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    ranks = {}
    for need, offer in TRUE_PAIRS.items():
        scenario = Scenario.objects.get(title=need)
        match = Match.objects.filter(scenario=scenario, capability__title=offer).first()
        ranks[need] = match.s2c_rank if match else None
    first = [n for n, r in ranks.items() if r == 1]
    top3 = [n for n, r in ranks.items() if r is not None and r <= 3]
    assert len(top3) == len(TRUE_PAIRS), ranks
    assert len(first) >= 0.9 * len(TRUE_PAIRS), ranks
