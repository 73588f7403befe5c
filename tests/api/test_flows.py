"""What integrators do with the API, end to end: post, review, publish into a list, read the
ranked candidates, express interest, approve, and read each other's contact."""
from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.side import CAPABILITY, SCENARIO
from matching.models import Match, MatchStatus, RerankJob
from scenarios.models import ListingStatus
from tests.factories import make_listing

pytestmark = pytest.mark.django_db
S = ListingStatus
NEED = {"title": "肺结节CT影像辅助诊断", "field": "smart-imaging", "deployment": "on_premise",
        "description": "体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不得离开医院。",
        "contact_name": "张医生", "contact_phone": "020-12345678", "contact_email": "zhang@example.org",
        "budget_min": 50, "budget_max": 200.5, "deadline": "2025-12-31", "required_certification": "nmpa_ii"}
OFFER = {"title": "肺结节CT智能检测软件", "field": "智能影像", "maturity": "registered", "certification": "nmpa_iii",
         "description": "深度学习检出实性与亚实性肺结节，已获第三类医疗器械注册证，可院内私有化部署。",
         "contact_name": "李经理", "contact_phone": "0755-87654321", "contact_email": "li@example.com"}


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:400])
    return response.json() if response.content else {}


@pytest.fixture
def published_pair(hospital_user, vendor_user, officer, django_capture_on_commit_callbacks):
    """A need and a capability posted, submitted and published into a list through the API."""
    hospital, vendor, off = client_of(hospital_user), client_of(vendor_user), client_of(officer)
    need = ok(hospital.post(reverse("api:scenario-list"), NEED, format="json"), 201)
    offer = ok(vendor.post(reverse("api:capability-list"), OFFER, format="json"), 201)
    assert need["contact"]["phone"] == "020-12345678" and need["budget_max"] == 200.5
    assert need["allowed_actions"] == ["submit"] and need["can_edit"] is True
    ok(hospital.post(reverse("api:scenario-submit", kwargs={"pk": need["id"]})))
    ok(vendor.post(reverse("api:capability-submit", kwargs={"pk": offer["id"]}), {"comment": "请审核"},
                   format="json"))
    batch = ok(off.post(reverse("api:batch-list"), {"name": "2025年生物医药清单", "published_on": "2025-06-30"},
                        format="json"), 201)
    with django_capture_on_commit_callbacks(execute=True):  # embedding and ranking run after commit
        need = ok(off.post(reverse("api:scenario-publish", kwargs={"pk": need["id"]}), {"batch": batch["id"]},
                           format="json"))
        offer = ok(off.post(reverse("api:capability-publish", kwargs={"pk": offer["id"]}), {"batch": batch["id"]},
                            format="json"))
    assert (need["status"], need["batch"], need["number"]) == (S.PUBLISHED, batch["id"], 1)
    assert (offer["status"], offer["batch"], offer["number"]) == (S.PUBLISHED, batch["id"], 1)
    return {"need": need, "offer": offer, "batch": batch, "hospital": hospital, "vendor": vendor, "officer": off}


def test_published_lists_show_counts_and_listings_without_contacts(api, published_pair):
    batch = ok(api.get(reverse("api:batch-detail", kwargs={"pk": published_pair["batch"]["id"]})))
    assert (batch["scenario_count"], batch["capability_count"]) == (1, 1)
    assert batch["field_counts"] == [{"field": {"code": "smart-imaging", "name": "AI medical imaging"}, "scenario": 1,
                                      "capability": 1}]
    rows = ok(api.get(reverse("api:scenario-list"), {"batch": batch["id"]}))["results"]
    assert [(r["title"], r["contact"], r["allowed_actions"]) for r in rows] == [(NEED["title"], None, [])]


def test_ranked_candidates_carry_score_parts_and_explanation(published_pair):
    need, offer = published_pair["need"], published_pair["offer"]
    rows = ok(published_pair["hospital"].get(reverse("api:scenario-matches", kwargs={"pk": need["id"]})))["results"]
    assert [r["capability"]["id"] for r in rows] == [offer["id"]]
    (row,) = rows
    assert row["status"] == MatchStatus.SUGGESTED and row["s2c_rank"] == 1
    assert set(row["parts"]["s2c"]) == {"dense", "lexical", "structured"}
    assert row["explanation"]["field_match"] is True and row["explanation"]["shared_terms"]
    assert row["capability"]["contact"] is None  # not before an officer approves
    back = ok(published_pair["vendor"].get(reverse("api:capability-matches", kwargs={"pk": offer["id"]})))
    assert [r["scenario"]["id"] for r in back["results"]] == [need["id"]]
    assert back["results"][0]["scenario"]["contact"] is None


def test_interest_then_approval_reveals_both_contacts(published_pair, other_vendor_user):
    hospital, vendor, off = published_pair["hospital"], published_pair["vendor"], published_pair["officer"]
    match_id = Match.objects.get().pk
    after = ok(vendor.post(reverse("api:match-interest", kwargs={"pk": match_id}), {"reason": "可院内部署"},
                           format="json"), 201)
    assert (after["status"], after["interest_count"]) == (MatchStatus.SHORTLISTED, 1)
    queue = ok(off.get(reverse("api:match-list")))["results"]
    assert [m["id"] for m in queue] == [match_id]
    assert ok(hospital.get(reverse("api:match-mine")))["count"] == 0
    approved = ok(off.post(reverse("api:match-approve", kwargs={"pk": match_id}), {"reason": "资质与部署方式均符合"},
                           format="json"))
    assert approved["status"] == MatchStatus.APPROVED and approved["decision_reason"] == "资质与部署方式均符合"
    mine = ok(hospital.get(reverse("api:match-mine")))["results"]
    assert [m["capability"]["contact"]["phone"] for m in mine] == [OFFER["contact_phone"]]
    mine = ok(vendor.get(reverse("api:match-mine")))["results"]
    assert [m["scenario"]["contact"]["email"] for m in mine] == [NEED["contact_email"]]
    assert ok(off.get(reverse("api:match-list"), {"status": "approved"}))["count"] == 1
    assert ok(off.get(reverse("api:match-list")))["count"] == 0
    stranger = client_of(other_vendor_user)
    assert stranger.get(reverse("api:match-detail", kwargs={"pk": match_id})).status_code == 404
    assert ok(stranger.get(reverse("api:match-mine")))["count"] == 0


def test_rejected_matches_leave_the_ranking_unless_asked_for(published_pair):
    off, hospital = published_pair["officer"], published_pair["hospital"]
    match_id = Match.objects.get().pk
    assert off.post(reverse("api:match-reject", kwargs={"pk": match_id}), {}, format="json").status_code == 400
    ok(off.post(reverse("api:match-reject", kwargs={"pk": match_id}), {"reason": "预算不符"}, format="json"))
    url = reverse("api:scenario-matches", kwargs={"pk": published_pair["need"]["id"]})
    assert ok(hospital.get(url))["count"] == 0
    assert [m["status"] for m in ok(hospital.get(url, {"include_rejected": "true"}))["results"]] == ["rejected"]
    again = off.post(reverse("api:match-approve", kwargs={"pk": match_id}), {"reason": "改主意"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"


def test_editing_a_published_listing_queues_its_reranking(published_pair, django_capture_on_commit_callbacks):
    url = reverse("api:capability-detail", kwargs={"pk": published_pair["offer"]["id"]})
    with django_capture_on_commit_callbacks() as callbacks:
        body = ok(published_pair["vendor"].patch(url, {"reference_deployments": "已在五家三甲医院部署"},
                                                 format="json"))
    assert body["reference_deployments"] == "已在五家三甲医院部署" and body["status"] == S.PUBLISHED
    assert callbacks, "nothing was queued after the edit"


def test_filters_narrow_what_the_caller_may_see_and_never_widen_it(api, hospital, hospital_user, other_hospital_user,
                                                                    officer):
    make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.PUBLISHED, officer=officer,
                 title="智慧病房护理机器人", description="病房夜间巡视与护理呼叫响应，需要院内部署。")
    make_listing(side=SCENARIO, org=hospital, author=hospital_user, title="肺结节随访管理草稿")
    url = reverse("api:scenario-list")
    titles = lambda resp: [r["title"] for r in ok(resp)["results"]]  # noqa: E731
    assert titles(api.get(url, {"q": "護理機器人"})) == ["智慧病房护理机器人"]  # Traditional finds Simplified
    assert titles(api.get(url, {"field": "smart-imaging"})) == ["智慧病房护理机器人"]
    assert titles(api.get(url, {"field": "tcm"})) == []
    assert titles(api.get(url, {"status": "draft"})) == []
    assert titles(client_of(other_hospital_user).get(url, {"status": "draft"})) == []
    assert titles(client_of(hospital_user).get(url, {"status": "draft"})) == ["肺结节随访管理草稿"]
    assert titles(client_of(officer).get(url, {"status": "draft", "organization": hospital.pk})) == [
        "肺结节随访管理草稿"]


def test_a_returned_listing_shows_the_officers_comment_to_its_owner(hospital, hospital_user, officer):
    listing = make_listing(side=CAPABILITY, org=hospital, author=hospital_user, status=S.RETURNED, officer=officer)
    body = ok(client_of(hospital_user).get(reverse("api:capability-detail", kwargs={"pk": listing.pk})))
    assert (body["status"], body["return_comment"], body["allowed_actions"]) == (S.RETURNED, "请补充预算", ["submit"])


def test_a_rerank_job_reports_its_progress(published_pair, django_capture_on_commit_callbacks):
    off = published_pair["officer"]
    assert off.get(reverse("api:job-current")).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        job = ok(off.post(reverse("api:job-list"), {"reason": "新权重"}, format="json"), 202)
    assert job["status"] == RerankJob.Status.QUEUED and job["total"] == 2
    current = ok(off.get(reverse("api:job-current")))
    assert (current["id"], current["status"], current["done"], current["percent"]) == (job["id"], "done", 2, 100)
    assert ok(off.get(reverse("api:job-detail", kwargs={"pk": job["id"]})))["model_id"]
