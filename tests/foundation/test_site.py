"""The site answers: public list and admin reachable, officers can use the admin."""
import pytest
from django.urls import reverse

from core.side import SCENARIO
from scenarios.models import ListingStatus
from tests.factories import PASSWORD, make_listing

pytestmark = pytest.mark.django_db


def test_public_list_shows_published_and_hides_drafts(client, hospital, hospital_user, officer):
    make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.PUBLISHED,
                 officer=officer, title="AI认知障碍早期筛查设备")
    make_listing(side=SCENARIO, org=hospital, author=hospital_user, title="尚未提交的睡眠呼吸暂停管理平台")
    page = client.get(reverse("scenarios:public-list"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "AI认知障碍早期筛查设备" in body
    assert "尚未提交的睡眠呼吸暂停管理平台" not in body


def test_admin_login_page_is_reachable(client):
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200


def test_officer_reaches_the_listing_admin_with_filters(client, officer, hospital, hospital_user):
    make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.SUBMITTED)
    assert client.login(username=officer.username, password=PASSWORD)
    page = client.get(reverse("admin:scenarios_scenario_changelist") + "?status__exact=submitted")
    assert page.status_code == 200
    assert "肺结节CT影像辅助诊断" in page.content.decode()


def test_admin_publish_action_goes_through_the_service(client, officer, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.SUBMITTED)
    client.login(username=officer.username, password=PASSWORD)
    url = reverse("admin:scenarios_scenario_changelist")
    resp = client.post(url, {"action": "publish_selected", "_selected_action": [listing.pk], "apply": "1",
                             "batch": "", "comment": ""})
    assert resp.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED
    assert listing.transitions.last().actor == officer


def test_admin_return_action_without_comment_changes_nothing(client, officer, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.SUBMITTED)
    client.login(username=officer.username, password=PASSWORD)
    client.post(reverse("admin:scenarios_scenario_changelist"),
                {"action": "return_selected", "_selected_action": [listing.pk], "apply": "1", "comment": ""})
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUBMITTED
