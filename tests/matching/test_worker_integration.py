"""A real `celery worker` process against Redis: publishing a need gets its ranking stored; a
worker killed in the middle of embedding loses nothing and duplicates nothing once restarted
and the reconciling pass has run."""

import pytest
from django.db.models import Count

from core.side import CAPABILITY, SCENARIO
from matching.embedding import get_embedder
from matching.models import ListingVector, Match
from matching.services import matching_reconcile
from scenarios.models import ListingStatus, Scenario
from suppliers.models import Capability
from tests.factories import make_listing
from tests.worker import LOGS, Worker, running_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CAPABILITY_TEXTS = [
    ("肺结节CT智能检测软件", "深度学习检出实性与亚实性肺结节，自动随访对比，已获第三类医疗器械注册证，院内部署。"),
    ("毫米波雷达跌倒监测终端", "壁挂式毫米波雷达不采集图像，识别跌倒与离床，老人无需佩戴任何设备。"),
    ("失眠数字疗法CBT-I", "手机程序按六周疗程推送睡眠限制与认知重建训练，医生端查看睡眠日记。"),
    ("病原宏基因组测序服务", "血液与肺泡灌洗液mNGS检测，24小时内出报告，覆盖细菌真菌病毒。"),
]


def _publish_capabilities(vendor, vendor_user, officer, n):
    out = []
    for i in range(n):
        title, desc = CAPABILITY_TEXTS[i % len(CAPABILITY_TEXTS)]
        out.append(make_listing(side=CAPABILITY, org=vendor, author=vendor_user, status=ListingStatus.PUBLISHED,
                                officer=officer, title=f"{title}（{i + 1}）", description=desc))
    return out


def _snapshot():
    matches = sorted(Match.objects.values_list("pk", "updated_at", "s2c_rank", "c2s_rank", "score"))
    vectors = sorted(ListingVector.objects.values_list("pk", "updated_at", "text_hash"))
    return matches, vectors


def test_worker_stores_ranked_matches_for_a_published_scenario(via_redis, hospital, hospital_user, vendor,
                                                               vendor_user, officer):
    with running_worker(embedder="hashing", log_dir=LOGS) as worker:
        caps = _publish_capabilities(vendor, vendor_user, officer, 4)
        wait_until(lambda: ListingVector.objects.filter(kind=CAPABILITY).count() == 4, timeout=60,
                   what="capabilities embedded by the worker")
        scenario = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.PUBLISHED,
                                officer=officer, title="体检中心肺结节阅片压力大",
                                description="每天大量低剂量CT，几毫米的磨玻璃影容易漏看，需要自动检出并与历史片对比。")
        wait_until(lambda: Match.objects.filter(scenario=scenario, s2c_rank__isnull=False).count() == 4,
                   timeout=60, what="the scenario's ranking stored")
        ranked = list(Match.objects.filter(scenario=scenario).order_by("s2c_rank"))
        assert [m.s2c_rank for m in ranked] == [1, 2, 3, 4]
        assert {m.capability_id for m in ranked} == {c.pk for c in caps}
        assert ranked[0].capability.title.startswith("肺结节CT智能检测软件")
        assert ranked[0].score >= ranked[-1].score
        assert {"shared_terms", "requirements", "field_match", "region_match"} <= set(ranked[0].explanation)
        # the reverse direction was queued too: the capabilities now list the scenario
        wait_until(lambda: Match.objects.filter(scenario=scenario, c2s_rank__isnull=False).count() == 4,
                   timeout=60, what="the capabilities' rankings stored")

        # a second run of the same task changes no row
        before = _snapshot()
        from matching.tasks import listing_index

        listing_index.delay(SCENARIO.kind, scenario.pk)
        wait_until(lambda: "succeeded" in worker.log().split("listing_index")[-1], timeout=60,
                   what="the repeated task to finish")
        assert _snapshot() == before


def test_worker_killed_during_embedding_loses_and_duplicates_nothing(via_redis, settings, hospital, hospital_user,
                                                                     vendor, vendor_user, officer):
    settings.MATCHING_EMBEDDER = "e5-small"  # the real model: embedding takes long enough to be interrupted
    model_id = get_embedder().model_id
    worker = Worker(embedder="e5-small", log_dir=LOGS)
    try:
        worker.wait_ready(timeout=120)
        _publish_capabilities(vendor, vendor_user, officer, 16)
        for i in range(8):
            make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.PUBLISHED,
                         officer=officer, title=f"肺结节筛查阅片需求（{i + 1}）",
                         description="体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不出院。")
        wait_until(lambda: ListingVector.objects.filter(model_id=model_id).exists(), timeout=120,
                   what="the first vector stored")
    finally:
        worker.kill()
    published = Capability.objects.filter(status="published").count() + Scenario.objects.filter(
        status="published").count()
    stored = ListingVector.objects.filter(model_id=model_id).count()
    assert 0 < stored < published, "the worker should have been killed in the middle of the embedding work"

    with running_worker(embedder="e5-small", log_dir=LOGS):
        queued = matching_reconcile()
        assert queued >= published - stored
        wait_until(lambda: ListingVector.objects.filter(model_id=model_id, ranked_at__isnull=False).count()
                   == published, timeout=240, what="every published listing embedded and ranked")

    # nothing missing, nothing duplicated
    per_listing = ListingVector.objects.filter(model_id=model_id).values("kind", "listing_id").annotate(n=Count("id"))
    assert len(per_listing) == published
    assert all(row["n"] == 1 for row in per_listing)
    for scenario in Scenario.objects.filter(status="published"):
        ranks = list(Match.objects.filter(scenario=scenario, s2c_rank__isnull=False)
                     .order_by("s2c_rank").values_list("s2c_rank", flat=True))
        assert ranks == list(range(1, len(ranks) + 1)) and ranks, f"scenario {scenario.pk} ranking incomplete"
    pairs = Match.objects.values("scenario_id", "capability_id").annotate(n=Count("id"))
    assert all(row["n"] == 1 for row in pairs)
    assert matching_reconcile() == 0
