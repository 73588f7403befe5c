"""The engine's stateful side: embedding once, storing rankings idempotently, never touching a
decided match, re-rank jobs with progress, reconciling, and the match workflow."""
import pytest
from django.core.management import call_command

from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound
from core.side import CAPABILITY, SCENARIO
from matching import services
from matching.embedding import get_embedder
from matching.models import ListingVector, Match, MatchEvent, MatchStatus, RerankJob
from matching.selectors import (
    can_see_match_contacts,
    match_funnel,
    match_list_for_listing,
    match_list_mine,
    unmet_listings,
)
from matching.workflow import (
    match_approve,
    match_decide_bulk,
    match_express_interest,
    match_reject,
    match_reopen,
)
from scenarios.models import ListingStatus
from scenarios.services import listing_archive, listing_update
from tests.factories import make_listing

pytestmark = pytest.mark.django_db
P = ListingStatus.PUBLISHED


@pytest.fixture
def published(django_capture_on_commit_callbacks, hospital, hospital_user, vendor, vendor_user, other_vendor,
              other_vendor_user, officer):
    """One need and three capabilities, published with the on-commit hooks executed."""
    with django_capture_on_commit_callbacks(execute=True):
        caps = [
            make_listing(side=CAPABILITY, org=vendor, author=vendor_user, status=P, officer=officer,
                         title="肺结节CT智能检测软件", description="检出实性与亚实性肺结节，随访对比，已获第三类注册证。"),
            make_listing(side=CAPABILITY, org=other_vendor, author=other_vendor_user, status=P, officer=officer,
                         title="毫米波雷达跌倒监测", description="不采集图像，老人无需佩戴，识别跌倒与离床。"),
            make_listing(side=CAPABILITY, org=vendor, author=vendor_user, status=P, officer=officer,
                         title="病原宏基因组测序", description="mNGS检测血液与肺泡灌洗液病原体，24小时出报告。"),
        ]
    with django_capture_on_commit_callbacks(execute=True):
        need = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=P, officer=officer)
    return need, caps


def test_publishing_stores_a_ranking_in_both_directions(published):
    need, caps = published
    ranked = list(Match.objects.filter(scenario=need).order_by("s2c_rank"))
    assert [m.s2c_rank for m in ranked] == [1, 2, 3]
    assert ranked[0].capability == caps[0]
    assert all(m.c2s_rank == 1 for m in ranked)  # each capability's only need
    assert ranked[0].parts["s2c"].keys() == {"dense", "lexical", "structured"}


def test_embedding_is_skipped_when_model_and_text_are_unchanged(published):
    need, _caps = published
    vec = ListingVector.objects.get(kind=SCENARIO, listing_id=need.pk)
    assert services.listing_embed(side=SCENARIO, listing_id=need.pk) is False
    assert ListingVector.objects.get(pk=vec.pk).updated_at == vec.updated_at


def test_editing_a_published_listing_re_embeds_it(published, officer, django_capture_on_commit_callbacks):
    need, _caps = published
    before = ListingVector.objects.get(kind=SCENARIO, listing_id=need.pk).text_hash
    with django_capture_on_commit_callbacks(execute=True):
        listing_update(actor=officer, listing=need, data={"description": "需要检出肺结节并自动随访，影像不出院。"})
    assert ListingVector.objects.get(kind=SCENARIO, listing_id=need.pk).text_hash != before


def test_second_ranking_run_changes_no_row(published):
    need, _caps = published
    snapshot = sorted(Match.objects.values_list("pk", "updated_at", "score", "s2c_rank", "c2s_rank"))
    services.listing_rank(side=SCENARIO, listing_id=need.pk, reverse=False)
    services.listing_index(side=SCENARIO, listing_id=need.pk)
    assert sorted(Match.objects.values_list("pk", "updated_at", "score", "s2c_rank", "c2s_rank")) == snapshot


def test_reranking_never_overwrites_a_decided_match(published, officer, settings):
    need, caps = published
    match = Match.objects.get(scenario=need, capability=caps[2])
    match_reject(actor=officer, match_id=match.pk, reason="测序服务不满足本院部署要求")
    decided = Match.objects.get(pk=match.pk)
    settings.MATCHING_WEIGHTS = {"dense": 0.0, "lexical": 1.0, "structured": 0.0}
    services.listing_rank(side=SCENARIO, listing_id=need.pk, reverse=False)
    after = Match.objects.get(pk=match.pk)
    assert (after.status, after.updated_at, after.s2c_score, after.decision_reason) == (
        MatchStatus.REJECTED, decided.updated_at, decided.s2c_score, "测序服务不满足本院部署要求")


def test_suggestions_that_fall_out_of_the_list_are_dropped_unless_someone_is_interested(published, settings,
                                                                                         vendor_user):
    need, caps = published
    interested = Match.objects.get(scenario=need, capability=caps[0])
    match_express_interest(actor=vendor_user, match_id=interested.pk, reason="我们有三类证")
    settings.MATCHING_TOP_N = 1
    settings.MATCHING_WEIGHTS = {"dense": 0.0, "lexical": 1.0, "structured": 0.0}
    services.listing_rank(side=SCENARIO, listing_id=need.pk, reverse=False)
    for cap in caps[1:]:  # re-rank the capabilities so that neither direction lists the dropped pairs
        services.listing_rank(side=CAPABILITY, listing_id=cap.pk, reverse=False)
    kept = Match.objects.filter(scenario=need)
    assert kept.filter(s2c_rank=1).count() == 1
    assert Match.objects.filter(pk=interested.pk, status=MatchStatus.SHORTLISTED).exists()


def test_archiving_a_listing_removes_its_open_suggestions(published, officer, django_capture_on_commit_callbacks):
    need, _caps = published
    with django_capture_on_commit_callbacks(execute=True):
        listing_archive(actor=officer, listing=need)
    assert not Match.objects.filter(scenario=need, status=MatchStatus.SUGGESTED).exists()


def test_reconcile_queues_listings_without_a_vector_for_the_current_model(published, settings):
    need, caps = published
    ListingVector.objects.filter(kind=SCENARIO, listing_id=need.pk).delete()
    ListingVector.objects.filter(kind=CAPABILITY, listing_id=caps[0].pk).update(ranked_at=None)
    assert services.listings_needing_index(SCENARIO) == [need.pk]
    assert services.listings_needing_index(CAPABILITY) == [caps[0].pk]
    assert services.matching_reconcile() == 2  # eager here: both are indexed at once
    assert services.matching_reconcile() == 0


def test_rerank_job_reports_progress_and_re_embeds_for_a_new_model(published, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.MATCHING_EMBEDDER = "hashing"
    old_model = get_embedder().model_id
    from matching import embedding as embedders
    from matching.engine.embedders import HashingEmbedder

    class Other(HashingEmbedder):
        def __init__(self):
            super().__init__(dim=128)
            self.model_id = "hashing-128-test"

    embedders._cached.cache_clear()
    original = embedders.build_embedder
    embedders.build_embedder = lambda spec, num_threads=None: Other() if spec == "other" else original(spec)
    try:
        settings.MATCHING_EMBEDDER = "other"
        with django_capture_on_commit_callbacks(execute=True):
            call_command("rerank", "--reason", "model changed", "--no-wait")
        job = RerankJob.objects.get()
        assert (job.status, job.done, job.total, job.embedded, job.model_id) == ("done", 4, 4, 4, "hashing-128-test")
        assert ListingVector.objects.filter(model_id="hashing-128-test").count() == 4
        assert ListingVector.objects.filter(model_id=old_model).count() == 4  # the old vectors are kept
    finally:
        embedders.build_embedder = original
        embedders._cached.cache_clear()


def test_rerank_start_refused_to_non_officers(hospital_user):
    with pytest.raises(NotAllowed):
        services.rerank_start(actor=hospital_user)
    assert not RerankJob.objects.exists()


# --- match workflow --------------------------------------------------------------------------

def test_interest_shortlists_and_approval_reveals_contacts(published, vendor_user, hospital_user, officer):
    need, caps = published
    match = Match.objects.get(scenario=need, capability=caps[0])
    assert not can_see_match_contacts(actor=vendor_user, match=match)
    match_express_interest(actor=vendor_user, match_id=match.pk, reason="产品已在三甲医院部署")
    assert Match.objects.get(pk=match.pk).status == MatchStatus.SHORTLISTED
    before = {u.pk: u.notifications.count() for u in (hospital_user, vendor_user)}
    approved = match_approve(actor=officer, match_id=match.pk, reason="需求与产品吻合，安排对接")
    assert {u.pk: u.notifications.count() for u in (hospital_user, vendor_user)} == {
        pk: n + 1 for pk, n in before.items()}
    assert can_see_match_contacts(actor=vendor_user, match=approved)
    assert list(match_list_mine(actor=hospital_user)) == [approved]
    assert list(MatchEvent.objects.filter(match=match).values_list("to_status", "actor")) == [
        ("shortlisted", vendor_user.pk), ("approved", officer.pk)]


def test_interest_refused_to_an_organisation_outside_the_match(published, other_hospital_user):
    need, caps = published
    match = Match.objects.get(scenario=need, capability=caps[0])
    with pytest.raises(NotFound):
        match_express_interest(actor=other_hospital_user, match_id=match.pk)
    assert not match.interests.exists()


def test_only_officers_decide_and_a_reason_is_required(published, hospital_user, officer):
    need, caps = published
    match = Match.objects.get(scenario=need, capability=caps[1])
    with pytest.raises(NotAllowed):
        match_approve(actor=hospital_user, match_id=match.pk, reason="自己批准")
    with pytest.raises(DomainError):
        match_reject(actor=officer, match_id=match.pk, reason="  ")
    assert Match.objects.get(pk=match.pk).status == MatchStatus.SUGGESTED


def test_decided_match_stays_decided_until_reopened(published, officer):
    need, caps = published
    match = Match.objects.get(scenario=need, capability=caps[1])
    match_reject(actor=officer, match_id=match.pk, reason="跌倒监测与肺结节需求无关")
    with pytest.raises(InvalidTransition):
        match_approve(actor=officer, match_id=match.pk, reason="改主意")
    reopened = match_reopen(actor=officer, match_id=match.pk, reason="重新评估")
    assert reopened.status == MatchStatus.SUGGESTED and reopened.decided_by is None


def test_bulk_decision_reports_each_outcome(published, officer):
    need, _caps = published
    ids = list(Match.objects.filter(scenario=need).values_list("pk", flat=True))
    match_reject(actor=officer, match_id=ids[0], reason="先拒绝一个")
    result = match_decide_bulk(actor=officer, match_ids=ids, approve=True, reason="批量批准对接")
    assert sorted(result["done"]) == sorted(ids[1:]) and list(result["failed"]) == [ids[0]]


def test_candidates_are_visible_only_to_the_listing_owner_and_officers(published, hospital_user,
                                                                       other_hospital_user, officer):
    need, _caps = published
    assert match_list_for_listing(actor=hospital_user, side=SCENARIO, listing_id=need.pk).count() == 3
    assert match_list_for_listing(actor=officer, side=SCENARIO, listing_id=need.pk).count() == 3
    with pytest.raises(NotFound):
        match_list_for_listing(actor=other_hospital_user, side=SCENARIO, listing_id=need.pk)


def test_funnel_counts_every_stage_reached(published, vendor_user, officer):
    need, caps = published
    m = Match.objects.get(scenario=need, capability=caps[0])
    match_express_interest(actor=vendor_user, match_id=m.pk)
    match_approve(actor=officer, match_id=m.pk, reason="对接")
    assert match_funnel() == {"suggested": 3, "shortlisted": 1, "approved": 1, "introduced": 0}


def test_unmet_needs_are_those_without_a_candidate_above_the_floor(published, settings):
    need, _caps = published
    settings.MATCHING_SCORE_FLOOR = 0.0
    assert need not in unmet_listings(side=SCENARIO)
    settings.MATCHING_SCORE_FLOOR = 1.01
    assert need in unmet_listings(side=SCENARIO)
