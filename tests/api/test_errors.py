"""Bad input gets a 4xx in the one error shape, never a 5xx, and changes nothing; authentication,
CSRF and throttling answer as documented."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Organization
from core.side import SCENARIO
from scenarios.models import Batch, ListingStatus, Scenario
from tests.factories import PASSWORD, OrganizationFactory, make_listing, member_of

pytestmark = pytest.mark.django_db
S = ListingStatus
ROOT = Path(__file__).resolve().parents[2]
GOOD = {"title": "肺结节CT影像辅助诊断", "description": "体检中心需要自动检出肺结节并与历史片对比。",
        "field": "smart-imaging"}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def post_raw(client: APIClient, url: str, raw: bytes | str, content_type: str = "application/json"):
    return client.generic("POST", url, raw.encode() if isinstance(raw, str) else raw, content_type=content_type)


@pytest.fixture
def member(hospital_user):
    client = APIClient()
    client.force_authenticate(hospital_user)
    return client


@pytest.fixture
def officer_client(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


# --- text that the database cannot or must not store ---------------------------------------------

@pytest.mark.parametrize(("name", "raw"), [
    ("NUL byte", '"肺结节\\u0000CT"'),
    ("lone high surrogate", '"肺结节\\ud800CT"'),
    ("lone low surrogate", '"\\udfff肺结节"'),
    ("control character", '"肺结节\\u0007CT"'),
])
def test_listing_create_refuses_unstorable_text_with_a_field_error(member, name, raw):
    body = json.dumps({**GOOD, "title": "PLACEHOLDER"}).replace('"PLACEHOLDER"', raw)
    error = error_of(post_raw(member, reverse("api:scenario-list"), body), 400)
    assert error["code"] == "invalid" and list(error["fields"]) == ["title"]
    assert not Scenario.objects.exists()


def test_unstorable_text_is_refused_before_a_validator_queries_the_database(officer_client):
    # a list's name is unique: the uniqueness check would send the NUL byte to the database
    for raw in ('"清单\\u0000"', '"清单\\ud83d"'):
        body = '{"name": ' + raw + ', "published_on": "2025-06-30"}'
        error = error_of(post_raw(officer_client, reverse("api:batch-list"), body), 400)
        assert list(error["fields"]) == ["name"]
    assert not Batch.objects.exists()


def test_lone_surrogate_in_a_field_name_is_refused_and_the_reply_is_valid_json(member):
    body = json.dumps(GOOD)[:-1] + ', "ti\\ud800tle": 1}'
    response = post_raw(member, reverse("api:scenario-list"), body)
    error = error_of(response, 400)
    assert error["fields"] == {"ti\ufffd\ufffd\ufffdtle": ["Unknown field."]}
    assert not Scenario.objects.exists()


def test_nul_in_a_query_parameter_is_a_400(api):
    error = error_of(api.get(reverse("api:scenario-list"), {"q": "肺\x00结节"}), 400)
    assert list(error["fields"]) == ["q"]


# --- size ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "size"), [("title", 201), ("description", 5001), ("contact_name", 65),
                                             ("field", 81)])
def test_oversized_text_is_a_field_error(member, field, size):
    error = error_of(member.post(reverse("api:scenario-list"), {**GOOD, field: "长" * size}, format="json"), 400)
    assert list(error["fields"]) == [field]
    assert not Scenario.objects.exists()


def test_a_body_over_the_upload_limit_is_a_413(member, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({**GOOD, "description": "长" * 2000})
    error = error_of(post_raw(member, reverse("api:scenario-list"), body), 413)
    assert error["code"] == "too_large"


# --- wrong types and malformed bodies --------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("title", 12345), ("title", ["a", "b"]), ("title", {"zh": "标题"}), ("title", True),
    ("budget_min", "50"), ("budget_min", "fifty"), ("budget_min", True), ("budget_min", 1e400),
    ("deadline", "2025-13-45"), ("deadline", 20251231), ("deployment", "moon"), ("organization", "1"),
    ("organization", 2**64), ("organization", 1.5), ("field", "no-such-field"), ("field", 7),
])
def test_wrong_types_are_field_errors(member, field, value):
    body = json.dumps({**GOOD, field: value}).replace("Infinity", "1e400")
    error = error_of(post_raw(member, reverse("api:scenario-list"), body), 400)
    assert list(error["fields"]) == [field]
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(("name", "raw", "code"), [
    ("not JSON", b"{title: 1", "parse_error"),
    ("invalid UTF-8", b'{"title": "\xff\xfe"}', "parse_error"),
    ("nested too deeply", b"[" * 100000 + b"]" * 100000, "parse_error"),
    ("an array", b'[{"title": "x"}]', "invalid"),
    ("a string", b'"title"', "invalid"),
    ("NaN", b'{"budget_min": NaN}', "parse_error"),
])
def test_malformed_bodies_are_400(member, name, raw, code):
    error = error_of(post_raw(member, reverse("api:scenario-list"), raw), 400)
    assert error["code"] == code
    assert not Scenario.objects.exists()


def test_a_body_that_is_not_json_is_a_415(member):
    error = error_of(post_raw(member, reverse("api:scenario-list"), "title=x", "application/x-www-form-urlencoded"),
                     415)
    assert error["code"] == "unsupported_media_type"


def test_model_rules_come_back_as_field_errors(member):
    error = error_of(member.post(reverse("api:scenario-list"), {**GOOD, "budget_min": 50, "budget_max": 10},
                                 format="json"), 400)
    assert list(error["fields"]) == ["budget_max"]
    error = error_of(member.post(reverse("api:scenario-list"), {**GOOD, "description": "太短"}, format="json"), 400)
    assert list(error["fields"]) == ["description"]
    assert not Scenario.objects.exists()


def test_patch_cannot_set_fields_the_owner_does_not_edit(member, hospital, hospital_user):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    url = reverse("api:scenario-detail", kwargs={"pk": listing.pk})
    error = error_of(member.patch(url, {"status": "published", "organization": 99}, format="json"), 400)
    assert set(error["fields"]) == {"status", "organization"}
    listing.refresh_from_db()
    assert listing.status == S.DRAFT


@pytest.mark.parametrize(("params", "field"), [
    ({"batch": "abc"}, "batch"), ({"batch": "99999999999999999999999"}, "batch"), ({"batch": "1.5"}, "batch"),
    ({"organization": "-1"}, "organization"), ({"status": "lost"}, "status"), ({"q": "长" * 101}, "q"),
    ({"page_size": "0"}, "page_size"), ({"page_size": "ten"}, "page_size"), ({"page_size": "-5"}, "page_size"),
])
def test_bad_filter_values_are_400(api, params, field):
    error = error_of(api.get(reverse("api:scenario-list"), params), 400)
    assert list(error["fields"]) == [field]


def test_bad_boolean_query_values_are_400(api, member, hospital, hospital_user):
    error_of(api.get(reverse("api:organization-list"), {"verified": "maybe"}), 400)
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user)
    url = reverse("api:scenario-matches", kwargs={"pk": listing.pk})
    assert list(error_of(member.get(url, {"include_rejected": "null"}), 400)["fields"]) == ["include_rejected"]


def test_page_size_is_capped_and_a_page_past_the_end_is_404(api, settings):
    settings.API_MAX_PAGE_SIZE = 3
    Organization.objects.bulk_create([Organization(name=f"机构{i}", kind="hospital") for i in range(5)])
    body = api.get(reverse("api:organization-list"), {"page_size": 1000}).json()
    assert body["count"] == 5 and len(body["results"]) == 3
    assert error_of(api.get(reverse("api:organization-list"), {"page": 99}), 404)["code"] == "not_found"


def test_reasons_are_required_and_long_ones_refused(officer_client, hospital, hospital_user, officer):
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=S.SUBMITTED, officer=officer)
    url = reverse("api:scenario-return", kwargs={"pk": listing.pk})
    assert list(error_of(officer_client.post(url, {}, format="json"), 400)["fields"]) == ["comment"]
    assert list(error_of(officer_client.post(url, {"comment": "   "}, format="json"), 400)["fields"]) == ["comment"]
    assert list(error_of(officer_client.post(url, {"comment": "长" * 2001}, format="json"), 400)["fields"]) == [
        "comment"]
    publish = reverse("api:scenario-publish", kwargs={"pk": listing.pk})
    assert list(error_of(officer_client.post(publish, {"batch": 424242}, format="json"), 400)["fields"]) == [
        "batch"]
    listing.refresh_from_db()
    assert listing.status == S.SUBMITTED and listing.transitions.count() == 2


def test_unknown_paths_under_api_are_404_in_the_error_shape(api):
    for path in ("/api/", "/api/scenarios", "/api/scenarios/abc/", "/api/scenarios/1/nope/"):
        assert error_of(api.get(path), 404)["code"] == "not_found"
    assert error_of(api.post("/api/scenarios/1/publish"), 404)["code"] == "not_found"


def test_huge_ids_in_paths_are_404(api):
    error_of(api.get(f"/api/scenarios/{2**70}/"), 404)
    error_of(api.get(f"/api/matches/{2**64}/"), 401)  # matches need authentication first


# --- authentication ------------------------------------------------------------------------------

def test_token_flow_obtain_use_revoke(api, hospital_user):
    url = reverse("api:auth-token")
    token = api.post(url, {"username": hospital_user.username, "password": PASSWORD}, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(reverse("api:auth-me")).json()["username"] == hospital_user.username
    assert api.post(url, {"username": hospital_user.username, "password": PASSWORD}, format="json").json() == {
        "token": token}
    assert api.delete(url).status_code == 204
    error = error_of(api.get(reverse("api:auth-me")), 401)
    assert error["code"] == "authentication_failed"


def test_token_refused_for_wrong_password_and_inactive_users(api, hospital_user):
    url = reverse("api:auth-token")
    error = error_of(api.post(url, {"username": hospital_user.username, "password": "nope"}, format="json"), 400)
    assert error["code"] == "invalid_credentials"
    hospital_user.is_active = False
    hospital_user.save()
    error_of(api.post(url, {"username": hospital_user.username, "password": PASSWORD}, format="json"), 400)


def test_a_bad_token_is_401_even_on_public_endpoints(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = api.get(reverse("api:scenario-list"))
    assert error_of(response, 401)["code"] == "authentication_failed"
    assert response.headers["WWW-Authenticate"] == "Token"


def test_session_requests_must_carry_the_csrf_token(hospital_user):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username=hospital_user.username, password=PASSWORD)
    assert client.get(reverse("api:auth-me")).status_code == 200  # safe methods need no token
    url = reverse("api:scenario-list")
    error = error_of(client.post(url, GOOD, format="json"), 403)
    assert "CSRF" in error["message"]
    assert not Scenario.objects.exists()
    client.get(reverse("api:docs"))  # sets the csrftoken cookie, as the Swagger UI page does
    token = client.cookies["csrftoken"].value
    assert client.post(url, GOOD, format="json", HTTP_X_CSRFTOKEN=token).status_code == 201


# --- throttling ----------------------------------------------------------------------------------

def test_anonymous_clients_are_throttled(api, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": "3/min"}
    url = reverse("api:organization-list")
    assert [api.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = api.get(url)
    assert error_of(response, 429)["code"] == "throttled"
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_anonymous_clients_cannot_dodge_the_throttle_with_forwarded_for(api, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": "2/min"}
    url = reverse("api:organization-list")
    codes = [api.get(url, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]


def test_authenticated_clients_are_throttled_per_user(settings, hospital_user, vendor_user):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "2/min"}
    first, second = APIClient(), APIClient()
    first.force_authenticate(hospital_user)
    second.force_authenticate(vendor_user)
    url = reverse("api:auth-me")
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(url).status_code == 200


def test_password_attempts_are_throttled_per_address(api, settings, hospital_user):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "login": "2/min"}
    url = reverse("api:auth-token")
    for _ in range(2):
        error_of(api.post(url, {"username": hospital_user.username, "password": "guess"}, format="json"), 400)
    response = api.post(url, {"username": hospital_user.username, "password": PASSWORD}, format="json")
    assert error_of(response, 429)["code"] == "throttled"


def test_throttle_rates_come_from_the_environment():
    env = {**os.environ, "API_THROTTLE_ANON": "7/min", "API_THROTTLE_USER": "70/hour", "API_THROTTLE_LOGIN": "",
           "API_MAX_PAGE_SIZE": "40", "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.API_THROTTLE_RATES, s.API_MAX_PAGE_SIZE)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "{'anon': '7/min', 'user': '70/hour', 'login': ''} 40"


def test_an_empty_rate_turns_the_throttle_off(api, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": ""}
    url = reverse("api:batch-list")
    assert {api.get(url).status_code for _ in range(5)} == {200}


# --- listing creation rules the API adds nothing to --------------------------------------------------

def test_create_needs_an_organisation_when_the_caller_has_several(member, hospital_user, other_hospital):
    member_of(other_hospital, user=hospital_user)
    error = error_of(member.post(reverse("api:scenario-list"), GOOD, format="json"), 400)
    assert list(error["fields"]) == ["organization"]
    response = member.post(reverse("api:scenario-list"), {**GOOD, "organization": other_hospital.pk}, format="json")
    assert response.status_code == 201 and response.json()["organization"]["id"] == other_hospital.pk


def test_create_for_an_organisation_the_caller_is_not_a_member_of_is_403(member, other_hospital):
    error = error_of(member.post(reverse("api:capability-list"), {**GOOD, "organization": other_hospital.pk},
                                 format="json"), 403)
    assert error["code"] == "permission_denied"
    error = error_of(member.post(reverse("api:capability-list"), {**GOOD, "organization": 987654}, format="json"),
                     400)
    assert list(error["fields"]) == ["organization"]


def test_create_by_a_user_without_an_organisation_is_403(db):
    from tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory())
    error_of(client.post(reverse("api:scenario-list"), GOOD, format="json"), 403)
    OrganizationFactory()  # existing organisations change nothing
    error_of(client.post(reverse("api:scenario-list"), GOOD, format="json"), 403)
    assert not Scenario.objects.exists()


def test_field_is_accepted_by_code_or_any_name(member):
    for value in ("smart-imaging", "SMART-IMAGING", "智能影像", "AI medical imaging"):
        response = member.post(reverse("api:capability-list"), {**GOOD, "field": value}, format="json")
        assert response.status_code == 201 and response.json()["field"]["code"] == "smart-imaging"
