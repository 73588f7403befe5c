"""Program officers: review queue, match queue (one by one, in bulk, re-open), dashboard, re-rank."""
import pytest
from django.urls import reverse

from accounts.models import Notification
from core.side import CAPABILITY, SCENARIO
from matching.models import MatchEvent, MatchStatus, RerankJob
from matching.workflow import match_express_interest, match_reject
from scenarios.models import Batch, ListingStatus
from scenarios.services import batch_create
from tests.factories import make_listing
from tests.web.helpers import login, published_pair

pytestmark = pytest.mark.django_db
S = ListingStatus


@pytest.fixture
def pair(django_capture_on_commit_callbacks, hospital, hospital_user, vendor, vendor_user, officer):
    return published_pair(django_capture_on_commit_callbacks, hospital=hospital, hospital_user=hospital_user,
                          vendor=vendor, vendor_user=vendor_user, officer=officer)


def test_review_queue_lists_submitted_listings_for_officers_only(client, hospital, hospital_user, vendor,
                                                                vendor_user, officer):
    make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED, title="待审的影像需求")
    make_listing(side=CAPABILITY, org=vendor, author=vendor_user, status=S.SUBMITTED, title="待审的影像软件")
    make_listing(side=SCENARIO, org=hospital, author=hospital_user, title="草稿不进队列")
    login(client, officer)
    body = client.get(reverse("scenarios:listing-review")).content.decode()
    assert "待审的影像需求" in body and "待审的影像软件" in body and "草稿不进队列" not in body
    login(client, hospital_user)
    assert client.get(reverse("scenarios:listing-review")).status_code == 403
    client.logout()
    assert client.get(reverse("scenarios:listing-review")).status_code == 302


def test_officer_publishes_into_a_batch(client, hospital, hospital_user, officer):
    batch = batch_create(actor=officer, name="2025年清单", published_on="2025-06-20")
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    login(client, officer)
    resp = client.post(reverse("scenarios:listing-publish", args=[SCENARIO, listing.pk]),
                       {"batch": batch.pk, "comment": ""}, HTTP_HX_REQUEST="true")
    assert "已发布" in resp.content.decode() and "2025年清单" in resp.content.decode()
    listing.refresh_from_db()
    assert (listing.status, listing.batch, listing.number) == (S.PUBLISHED, batch, 1)
    assert Notification.objects.filter(user=hospital_user, subject__contains=listing.title).exists()


def test_officer_returns_with_a_comment_and_the_owner_sees_it(client, hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    login(client, officer)
    client.post(reverse("scenarios:listing-return", args=[SCENARIO, listing.pk]), {"comment": "请补充部署方式"})
    listing.refresh_from_db()
    assert listing.status == S.RETURNED
    login(client, hospital_user)
    body = client.get(reverse("scenarios:listing-manage", args=[SCENARIO, listing.pk])).content.decode()
    assert "请补充部署方式" in body


def test_return_without_a_comment_is_refused_with_a_message(client, hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    login(client, officer)
    resp = client.post(reverse("scenarios:listing-return", args=[SCENARIO, listing.pk]), {"comment": " "},
                       HTTP_HX_REQUEST="true")
    assert "退回条目必须填写意见" in resp.content.decode()
    listing.refresh_from_db()
    assert listing.status == S.SUBMITTED


def test_vendor_cannot_publish(client, hospital, hospital_user, vendor_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    login(client, vendor_user)
    assert client.post(reverse("scenarios:listing-publish", args=[SCENARIO, listing.pk])).status_code == 403
    listing.refresh_from_db()
    assert listing.status == S.SUBMITTED


def test_officer_creates_a_batch(client, officer):
    login(client, officer)
    client.post(reverse("scenarios:batch-create"), {"name": "2026年第一批清单", "published_on": "2026-01-10",
                                                    "description": ""})
    assert Batch.objects.filter(name="2026年第一批清单").exists()


def test_match_queue_shows_matches_with_explanations_and_interest(client, pair, vendor_user, officer):
    scenario, capability, match = pair
    match_express_interest(actor=vendor_user, match_id=match.pk, reason="已有同类部署")
    login(client, officer)
    body = client.get(reverse("matching:match-queue")).content.decode()
    assert scenario.title in body and capability.title in body
    assert 'data-testid="explanation"' in body and "已有同类部署" in body


def test_vendor_cannot_see_the_match_queue(client, pair, vendor_user):
    login(client, vendor_user)
    assert client.get(reverse("matching:match-queue")).status_code == 403
    assert client.get(reverse("matching:dashboard")).status_code == 403


def test_officer_approves_with_a_reason_and_it_is_audited(client, pair, officer, hospital_user, vendor_user):
    _s, _c, match = pair
    login(client, officer)
    resp = client.post(reverse("matching:match-approve", args=[match.pk]), {"reason": "契合度高"},
                       HTTP_HX_REQUEST="true")
    assert "已批准" in resp.content.decode()
    match.refresh_from_db()
    assert (match.status, match.decided_by, match.decision_reason) == (MatchStatus.APPROVED, officer, "契合度高")
    event = MatchEvent.objects.filter(match=match).last()
    assert (event.actor, event.to_status, event.reason) == (officer, MatchStatus.APPROVED, "契合度高")
    for user in (hospital_user, vendor_user):
        assert Notification.objects.filter(user=user, link=reverse("matching:my-matches")).exists()


def test_approve_without_a_reason_is_refused(client, pair, officer):
    _s, _c, match = pair
    login(client, officer)
    resp = client.post(reverse("matching:match-approve", args=[match.pk]), {"reason": ""}, HTTP_HX_REQUEST="true")
    assert "请填写理由" in resp.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


def test_decided_match_stays_decided_until_reopened(client, pair, officer):
    _s, _c, match = pair
    match_reject(actor=officer, match_id=match.pk, reason="领域不符")
    login(client, officer)
    resp = client.post(reverse("matching:match-approve", args=[match.pk]), {"reason": "改主意"}, follow=True)
    assert "请先重新开启" in resp.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED
    client.post(reverse("matching:match-reopen", args=[match.pk]), {"reason": "重新评估"})
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


def test_bulk_approve_and_reject(client, django_capture_on_commit_callbacks, pair, hospital, hospital_user,
                                 vendor, vendor_user, officer):
    from matching.models import Match

    with django_capture_on_commit_callbacks(execute=True):
        make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.PUBLISHED, officer=officer,
                     title="肺结节随访管理需求")
    ids = list(Match.objects.values_list("pk", flat=True))
    assert len(ids) >= 2
    login(client, officer)
    resp = client.post(reverse("matching:match-bulk"), {"ids": ids, "reason": "批量批准", "decision": "approve"},
                       follow=True)
    assert f"已批准 {len(ids)} 个匹配" in resp.content.decode()
    assert set(Match.objects.values_list("status", flat=True)) == {MatchStatus.APPROVED}
    resp = client.post(reverse("matching:match-bulk"), {"ids": ids, "reason": "再批一次", "decision": "reject"},
                       follow=True)
    assert "请先重新开启" in resp.content.decode()  # each refusal is reported
    assert set(Match.objects.values_list("status", flat=True)) == {MatchStatus.APPROVED}


def test_bulk_without_reason_changes_nothing(client, pair, officer):
    _s, _c, match = pair
    login(client, officer)
    client.post(reverse("matching:match-bulk"), {"ids": [match.pk], "reason": "", "decision": "reject"})
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


def test_dashboard_has_chart_data_and_unmet_needs(client, pair, hospital, hospital_user, officer, settings):
    from matching.models import Match

    lonely = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.PUBLISHED, officer=officer,
                          title="尚无候选的中医舌诊需求")
    Match.objects.filter(scenario=lonely).delete()
    login(client, officer)
    client.cookies.load({"django_language": "en"})
    resp = client.get(reverse("matching:dashboard"))
    body = resp.content.decode()
    charts = resp.context["charts"]
    assert "AI medical imaging" in charts["field"]["labels"]
    assert sum(charts["field"]["scenario"]) == 2 and sum(charts["field"]["capability"]) == 1
    assert charts["funnel"]["labels"] == ["Suggested", "Shortlisted", "Approved", "Introduced"]
    assert charts["funnel"]["values"][0] >= 1
    assert 'id="chart-data"' in body and "chart.umd.min.js" in body
    assert "尚无候选的中医舌诊需求" in body.split('data-testid="unmet-needs"')[1]


def test_rerank_start_and_progress(client, pair, officer, vendor_user):
    login(client, officer)
    resp = client.post(reverse("matching:rerank-start"), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    job = RerankJob.objects.get()
    assert job.created_by == officer and job.total == 2
    progress = client.get(reverse("matching:rerank-progress")).content.decode()
    assert f"{job.done} / {job.total}" in progress
    login(client, vendor_user)
    assert client.post(reverse("matching:rerank-start")).status_code == 403
    assert RerankJob.objects.count() == 1


def test_officer_records_introduction_progress(client, pair, officer):
    from matching.workflow import match_approve

    _s, _c, match = pair
    match_approve(actor=officer, match_id=match.pk, reason="ok")
    login(client, officer)
    detail = client.get(reverse("matching:match-detail", args=[match.pk])).content.decode()
    assert reverse("matching:match-advance", args=[match.pk]) in detail
    client.post(reverse("matching:match-advance", args=[match.pk]), {"to": "introduced", "reason": "已安排见面"})
    match.refresh_from_db()
    assert match.status == MatchStatus.INTRODUCED


def test_officer_reviews_from_the_listing_page_and_returns_to_it(client, hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    manage = reverse("scenarios:listing-manage", args=[SCENARIO, listing.pk])
    login(client, officer)
    page = client.get(manage).content.decode()
    assert reverse("scenarios:listing-publish", args=[SCENARIO, listing.pk]) in page
    assert page.count('id="id_comment"') == 1 and 'id="return_comment"' in page
    resp = client.post(reverse("scenarios:listing-publish", args=[SCENARIO, listing.pk]),
                       {"batch": "", "comment": "", "next": manage})
    assert resp["Location"] == manage
    listing.refresh_from_db()
    assert listing.status == S.PUBLISHED
    last = listing.transitions.last()
    assert (last.action, last.actor) == ("publish", officer)
