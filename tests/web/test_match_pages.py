"""Candidates with explanations, interest, my matches, and contacts only after approval."""
import pytest
from django.urls import reverse

from core.side import CAPABILITY, SCENARIO
from matching.models import MatchInterest, MatchStatus
from matching.workflow import match_approve
from tests.factories import UserFactory
from tests.web.helpers import login, published_pair

pytestmark = pytest.mark.django_db
CONTACTS = ("020-12345678", "contact@example.org")


@pytest.fixture
def pair(django_capture_on_commit_callbacks, hospital, hospital_user, vendor, vendor_user, officer):
    return published_pair(django_capture_on_commit_callbacks, hospital=hospital, hospital_user=hospital_user,
                          vendor=vendor, vendor_user=vendor_user, officer=officer)


def test_vendor_sees_the_need_ranked_with_an_explanation(client, pair, vendor_user):
    scenario, capability, _match = pair
    login(client, vendor_user)
    body = client.get(reverse("matching:listing-candidates", args=[CAPABILITY, capability.pk])).content.decode()
    assert scenario.title in body
    assert 'data-testid="explanation"' in body
    assert "共同关键词" in body and "需求方的要求" in body
    # the need asks for data to stay in the hospital; the offering deploys on-premise: met
    assert "本地部署（数据不出院）" in body and "满足" in body
    assert "领域相同" in body


def test_explanation_reads_in_english_and_traditional_chinese(client, pair, vendor_user):
    _s, capability, _m = pair
    login(client, vendor_user)
    url = reverse("matching:listing-candidates", args=[CAPABILITY, capability.pk])
    client.cookies.load({"django_language": "en"})
    body = client.get(url).content.decode()
    assert "Shared key terms" in body and "Same field" in body and "Met" in body
    client.cookies.load({"django_language": "zh-hant"})
    body = client.get(url).content.decode()
    assert "共同關鍵詞" in body and "領域相同" in body
    assert "肺結節" in body  # the shared terms themselves are shown in Traditional script


def test_candidates_never_show_contacts_before_approval(client, pair, vendor_user, hospital_user):
    _scenario, capability, match = pair
    login(client, vendor_user)
    body = client.get(reverse("matching:listing-candidates", args=[CAPABILITY, capability.pk])).content.decode()
    assert not any(c in body for c in CONTACTS)
    detail = client.get(reverse("matching:match-detail", args=[match.pk])).content.decode()
    assert not any(c in detail for c in CONTACTS)
    assert 'data-testid="no-contacts"' in detail
    mine = client.get(reverse("matching:my-matches")).content.decode()
    assert not any(c in mine for c in CONTACTS) and "张医生" not in mine


def test_vendor_cannot_see_another_organisations_candidates(client, pair, other_vendor_user, vendor_user):
    scenario, capability, _m = pair
    login(client, other_vendor_user)
    assert client.get(reverse("matching:listing-candidates", args=[CAPABILITY, capability.pk])).status_code == 404
    login(client, vendor_user)
    assert client.get(reverse("matching:listing-candidates", args=[SCENARIO, scenario.pk])).status_code == 404


def test_outsider_cannot_open_or_act_on_a_match(client, pair, other_vendor_user):
    _s, _c, match = pair
    login(client, other_vendor_user)
    assert client.get(reverse("matching:match-detail", args=[match.pk])).status_code == 404
    assert client.post(reverse("matching:match-interest", args=[match.pk]), {"reason": "x"}).status_code == 404
    assert not MatchInterest.objects.exists()


def test_vendor_expresses_interest_with_a_reason(client, pair, vendor_user):
    _s, capability, match = pair
    login(client, vendor_user)
    resp = client.post(reverse("matching:match-interest", args=[match.pk]), {"reason": "已在三甲医院部署"})
    assert resp.status_code == 302
    interest = MatchInterest.objects.get(match=match)
    assert interest.reason == "已在三甲医院部署" and interest.organization == capability.organization
    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED


def test_interest_via_htmx_returns_the_updated_card(client, pair, vendor_user):
    _s, _c, match = pair
    login(client, vendor_user)
    resp = client.post(reverse("matching:match-interest", args=[match.pk]), {"reason": "感兴趣"},
                       HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert "<html" not in body and 'data-testid="interest-shown"' in body
    again = client.post(reverse("matching:match-interest", args=[match.pk]), {"reason": "再次"},
                        HTTP_HX_REQUEST="true").content.decode()
    assert "你的机构已表达意向" in again
    assert MatchInterest.objects.count() == 1


def test_hospital_sees_that_the_vendor_is_interested(client, pair, vendor_user, hospital_user):
    scenario, _c, match = pair
    login(client, vendor_user)
    client.post(reverse("matching:match-interest", args=[match.pk]), {"reason": ""})
    login(client, hospital_user)
    body = client.get(reverse("matching:listing-candidates", args=[SCENARIO, scenario.pk])).content.decode()
    assert "对方有意向" in body


def test_after_approval_both_sides_see_the_match_and_the_contacts(client, pair, hospital_user, vendor_user,
                                                                   officer):
    scenario, capability, match = pair
    match_approve(actor=officer, match_id=match.pk, reason="需求与能力高度契合")
    login(client, vendor_user)
    mine = client.get(reverse("matching:my-matches")).content.decode()
    assert scenario.title in mine and "020-12345678" in mine          # the hospital's contact
    login(client, hospital_user)
    mine = client.get(reverse("matching:my-matches")).content.decode()
    assert capability.title in mine and "contact@example.org" in mine
    detail = client.get(reverse("matching:match-detail", args=[match.pk])).content.decode()
    assert 'data-testid="contacts"' in detail


def test_my_matches_is_empty_for_a_new_member(client, hospital):
    from tests.factories import member_of

    user = member_of(hospital, user=UserFactory())
    login(client, user)
    body = client.get(reverse("matching:my-matches")).content.decode()
    assert 'data-testid="empty"' in body


def test_hospital_member_cannot_approve_or_see_the_queue(client, pair, hospital_user):
    _s, _c, match = pair
    login(client, hospital_user)
    assert client.get(reverse("matching:match-queue")).status_code == 403
    resp = client.post(reverse("matching:match-approve", args=[match.pk]), {"reason": "自己批准"})
    assert resp.status_code == 403
    assert client.post(reverse("matching:match-bulk"), {"ids": [match.pk], "reason": "x",
                                                        "decision": "approve"}).status_code == 403
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED
