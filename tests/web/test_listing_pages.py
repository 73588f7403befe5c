"""The owners' workspace: post, edit, submit, withdraw; status, history, comments; refusals."""
import pytest
from django.urls import reverse

from core.side import CAPABILITY, SCENARIO
from scenarios.models import ListingStatus, Scenario
from suppliers.models import Capability
from tests.factories import field, make_listing
from tests.web.helpers import login

pytestmark = pytest.mark.django_db
S = ListingStatus


def _scenario_form(**overrides):
    data = {"title": "长者夜间离床与跌倒及时发现",
            "description": "护理院夜间护理员少，希望非接触方式第一时间发现跌倒。",
            "field": field("remote-monitoring").pk, "province": "广东", "city": "广州", "language": "",
            "contact_name": "王主任", "contact_phone": "020-88880000", "contact_email": "wang@example.org",
            "budget_min": "10", "budget_max": "50", "deadline": "", "deployment": "either",
            "required_certification": "none"}
    data.update(overrides)
    return data


def test_hospital_member_posts_a_draft_need(client, hospital, hospital_user):
    login(client, hospital_user)
    resp = client.post(reverse("scenarios:listing-create", args=[SCENARIO]), _scenario_form())
    listing = Scenario.objects.get(title="长者夜间离床与跌倒及时发现")
    assert resp.status_code == 302
    assert resp["Location"] == reverse("scenarios:listing-manage", args=[SCENARIO, listing.pk])
    assert listing.status == S.DRAFT and listing.organization == hospital
    page = client.get(resp["Location"]).content.decode()
    assert "草稿" in page and "王主任" in page


def test_post_and_submit_in_one_step(client, hospital, hospital_user):
    login(client, hospital_user)
    client.post(reverse("scenarios:listing-create", args=[SCENARIO]), {**_scenario_form(), "submit": "1"})
    assert Scenario.objects.get(title="长者夜间离床与跌倒及时发现").status == S.SUBMITTED


def test_form_errors_are_shown_next_to_the_fields_in_the_users_language(client, hospital_user):
    login(client, hospital_user)
    url = reverse("scenarios:listing-create", args=[SCENARIO])
    bad = _scenario_form(title="", description="太短", budget_min="80", budget_max="20")
    body = client.post(url, bad).content.decode()
    assert 'id="id_title-errors"' in body and "这个字段是必填项" in body
    assert 'id="id_budget_max-errors"' in body and "预算上限不能低于下限" in body
    assert not Scenario.objects.exists()
    client.cookies.load({"django_language": "en"})
    body = client.post(url, bad).content.decode()
    assert "The upper budget must not be below the lower one." in body
    client.cookies.load({"django_language": "zh-hant"})
    body = client.post(url, bad).content.decode()
    assert "預算上限不能低於下限" in body


def test_vendor_posts_a_capability_but_not_a_need(client, vendor, vendor_user):
    login(client, vendor_user)
    assert client.get(reverse("scenarios:listing-create", args=[SCENARIO])).status_code == 302
    resp = client.post(reverse("scenarios:listing-create", args=[CAPABILITY]), {
        "title": "毫米波雷达跌倒监测终端", "description": "壁挂式毫米波雷达，不采集图像，识别跌倒与离床。",
        "field": field("remote-monitoring").pk, "maturity": "deployed", "certification": "none",
        "deployment": "either", "reference_deployments": "", "language": ""})
    assert resp.status_code == 302
    assert Capability.objects.get(title="毫米波雷达跌倒监测终端").organization == vendor


def test_owner_edits_a_draft_and_the_history_records_it(client, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    login(client, hospital_user)
    url = reverse("scenarios:listing-edit", args=[SCENARIO, listing.pk])
    assert client.get(url).status_code == 200
    client.post(url, _scenario_form(title="肺结节CT影像辅助诊断（修订）"))
    listing.refresh_from_db()
    assert listing.title == "肺结节CT影像辅助诊断（修订）"
    assert listing.transitions.last().action == "edit"


def test_submit_and_withdraw_buttons(client, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    login(client, hospital_user)
    client.post(reverse("scenarios:listing-submit", args=[SCENARIO, listing.pk]))
    listing.refresh_from_db()
    assert listing.status == S.SUBMITTED
    page = client.get(reverse("scenarios:listing-manage", args=[SCENARIO, listing.pk])).content.decode()
    assert reverse("scenarios:listing-withdraw", args=[SCENARIO, listing.pk]) in page
    assert reverse("scenarios:listing-edit", args=[SCENARIO, listing.pk]) not in page
    client.post(reverse("scenarios:listing-withdraw", args=[SCENARIO, listing.pk]))
    listing.refresh_from_db()
    assert listing.status == S.DRAFT


def test_editing_a_listing_under_review_is_refused_with_a_message(client, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED)
    login(client, hospital_user)
    resp = client.get(reverse("scenarios:listing-edit", args=[SCENARIO, listing.pk]), follow=True)
    assert "该条目正在审核中，请先撤回再编辑" in resp.content.decode()


def test_returned_listing_shows_the_officers_comment(client, hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.RETURNED, officer=officer)
    login(client, hospital_user)
    body = client.get(reverse("scenarios:listing-manage", args=[SCENARIO, listing.pk])).content.decode()
    assert 'data-testid="officer-comment"' in body and "请补充预算" in body
    assert "已退回修改" in body


def test_my_listings_shows_only_my_organisations_listings(client, hospital, hospital_user, other_hospital,
                                                          other_hospital_user, officer):
    make_listing(side=SCENARIO, org=hospital, author=hospital_user, title="本院的影像需求")
    make_listing(side=SCENARIO, org=other_hospital, author=other_hospital_user, title="别院的影像需求",
                 status=S.PUBLISHED, officer=officer)
    login(client, hospital_user)
    body = client.get(reverse("scenarios:listing-mine")).content.decode()
    assert "本院的影像需求" in body and "别院的影像需求" not in body
    body = client.get(reverse("scenarios:listing-mine"), {"status": "published"}).content.decode()
    assert "本院的影像需求" not in body


def test_vendor_cannot_see_a_hospitals_draft_anywhere(client, hospital, hospital_user, vendor_user):
    draft = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    login(client, vendor_user)
    for name in ("scenarios:listing-manage", "scenarios:listing-edit", "scenarios:listing-detail",
                 "matching:listing-candidates"):
        assert client.get(reverse(name, args=[SCENARIO, draft.pk])).status_code == 404, name
    assert client.post(reverse("scenarios:listing-submit", args=[SCENARIO, draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_other_side_cannot_open_the_workspace_page_of_a_published_listing(client, hospital, hospital_user,
                                                                          vendor_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.PUBLISHED, officer=officer)
    login(client, vendor_user)
    assert client.get(reverse("scenarios:listing-manage", args=[SCENARIO, listing.pk])).status_code == 404
    assert client.post(reverse("scenarios:listing-archive", args=[SCENARIO, listing.pk])).status_code == 404
    listing.refresh_from_db()
    assert listing.status == S.PUBLISHED


def test_anonymous_is_sent_to_login_from_the_workspace(client, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    resp = client.get(reverse("scenarios:listing-manage", args=[SCENARIO, listing.pk]))
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_owner_archives_a_published_listing(client, hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.PUBLISHED, officer=officer)
    login(client, hospital_user)
    client.post(reverse("scenarios:listing-archive", args=[SCENARIO, listing.pk]))
    listing.refresh_from_db()
    assert listing.status == S.ARCHIVED
