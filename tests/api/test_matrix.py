"""The authorization matrix: every endpoint and method under /api/, called as each role, over
listings in each status and matches in each status.

Each cell states the expected status code from the rules of the platform, written out here
independently of the code under test. Every response is also checked for leaks: no title of a
listing the caller may not see and no contact detail the caller may not see may occur anywhere
in it (lists, counts, rankings, errors). A refused write must leave the database exactly as it
was. `test_matrix_covers_every_api_url_and_method` fails when a URL or method exists under
/api/ that the matrix does not cover.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from accounts.models import Membership, Notification, Organization
from core.side import CAPABILITY, SCENARIO, SIDES, Side
from matching.models import Match, MatchEvent, MatchInterest, MatchStatus, RerankJob
from scenarios.models import Batch, ListingStatus, ScenarioTransition
from suppliers.models import CapabilityTransition
from tests.events.api_matrix import event_endpoints
from tests.events.api_world import event_fingerprint

from .world import MATCH_STATUSES, OWNER_ROLE, ROLES, STATUSES, World

S = ListingStatus
M = MatchStatus
pytestmark = pytest.mark.django_db
MEMBERS = ("hospital", "other_hospital", "vendor", "other_vendor")
WRITE_METHODS = ("post", "put", "patch", "delete")


# --- the rules, one function per endpoint ---------------------------------------------------------

def relation(role: str, side: Side) -> str:
    if role in ("anon", "officer"):
        return role
    return "owner" if role == OWNER_ROLE[side] else "stranger"


def visible_or_404(status: str, code: int) -> int:
    """For callers who are neither owner nor officer: a listing they can see is published."""
    return code if status == S.PUBLISHED else 404


def listing_detail_get(role, side, status):
    return 200 if relation(role, side) in ("owner", "officer") else visible_or_404(status, 200)


def listing_patch(role, side, status):
    rel = relation(role, side)
    if rel == "anon":
        return 401
    if rel == "stranger":
        return visible_or_404(status, 403)
    if rel == "owner":
        return 200 if status in (S.DRAFT, S.RETURNED, S.PUBLISHED) else 409
    return 200 if status == S.PUBLISHED else 403  # officer: edits published listings only


def transition(sources: tuple[str, ...], who: str) -> Callable:
    def expect(role, side, status):
        rel = relation(role, side)
        if rel == "anon":
            return 401
        if rel == "stranger":
            return visible_or_404(status, 403)
        allowed = {"owner": rel == "owner", "officer": rel == "officer",
                   "owner_or_officer": rel in ("owner", "officer")}[who]
        if not allowed:
            return 403
        return 200 if status in sources else 409
    return expect


TRANSITIONS = {
    "submit": ((S.DRAFT, S.RETURNED), "owner", S.SUBMITTED),
    "withdraw": ((S.SUBMITTED,), "owner", S.DRAFT),
    "publish": ((S.SUBMITTED,), "officer", S.PUBLISHED),
    "return": ((S.SUBMITTED,), "officer", S.RETURNED),
    "archive": ((S.PUBLISHED,), "owner_or_officer", S.ARCHIVED),
}


def listing_matches_get(role, side, status):
    rel = relation(role, side)
    return {"anon": 401, "stranger": 404, "owner": 200, "officer": 200}[rel]


def match_relation(role: str) -> str:
    if role in ("anon", "officer"):
        return role
    return "party" if role in ("hospital", "vendor") else "stranger"


def match_get(role, status):
    return {"anon": 401, "stranger": 404, "party": 200, "officer": 200}[match_relation(role)]


def match_interest(role, status):
    rel = match_relation(role)
    if rel in ("anon", "stranger"):
        return {"anon": 401, "stranger": 404}[rel]
    if rel == "officer":
        return 403
    if status == M.SHORTLISTED and role == "hospital":
        return 409  # the world's hospital already expressed interest in this one
    return 201 if status in (M.SUGGESTED, M.SHORTLISTED) else 409


def match_decide(role, status):
    rel = match_relation(role)
    if rel in ("anon", "stranger", "party"):
        return {"anon": 401, "stranger": 404, "party": 403}[rel]
    return 200 if status in (M.SUGGESTED, M.SHORTLISTED) else 409


def anyone(code: int) -> Callable:
    return lambda role, *_: code


def authenticated(code: int) -> Callable:
    return lambda role, *_: 401 if role == "anon" else code


def officers(code: int) -> Callable:
    return lambda role, *_: 401 if role == "anon" else (code if role == "officer" else 403)


def members_not_officers(code: int) -> Callable:
    """Creating a listing: any member of an organisation, for it; agencies (officers) may not."""
    return lambda role, *_: 401 if role == "anon" else (403 if role == "officer" else code)


# --- what each cell sends, and what it checks beyond the status code ------------------------------

@dataclass(frozen=True)
class Endpoint:
    url_name: str
    method: str
    expect: Callable
    targets: tuple = (None,)           # listing statuses, match statuses, or nothing
    side: Side | None = None            # for listing endpoints
    url: Callable | None = None        # (world, target) -> path
    body: Callable | None = None       # (world, role, target) -> dict
    check: Callable | None = None      # (world, role, target, response) -> None, on success
    extra: dict = field(default_factory=dict)


def listing_url(name: str, side: Side):
    return lambda w, status: reverse(f"api:{name}", kwargs={"pk": w.listings[(side, status)].pk})


def match_url(name: str):
    return lambda w, status: reverse(f"api:{name}", kwargs={"pk": w.matches[status].pk})


def fresh(obj):
    """A new copy from the database: the world's objects must keep their built state, since each
    test's changes are rolled back."""
    return type(obj).objects.get(pk=obj.pk)


def check_listing_status(side: Side, to_status: str):
    def check(w: World, role, status, response):
        listing = fresh(w.listings[(side, status)])
        assert response.json()["status"] == to_status
        assert listing.status == to_status
        last = listing.transitions.order_by("-id").first()
        assert last.actor == w.users[role] and last.to_status == to_status
    return check


def check_patch(side: Side):
    def check(w: World, role, status, response):
        listing = fresh(w.listings[(side, status)])
        assert listing.title == "改过的标题-矩阵" == response.json()["title"]
    return check


def check_visible_list(side: Side):
    """Exactly the listings of this kind the role may see, with contacts exactly where allowed."""
    def check(w: World, role, target, response):
        body = response.json()
        expected = {o.pk for o in w.every_listing if o.SIDE is side and w.can_see_listing(role, o)}
        got = {row["id"] for row in body["results"]}
        assert got == expected and body["count"] == len(expected)
        by_id = {o.pk: o for o in w.every_listing if o.SIDE is side}
        for row in body["results"]:
            assert (row["contact"] is not None) == w.can_see_contacts(role, by_id[row["id"]])
    return check


def check_create(side: Side):
    def check(w: World, role, target, response):
        obj = side.model.objects.get(pk=response.json()["id"])
        assert obj.status == S.DRAFT and obj.organization_id == w.role_org_id(role)
        assert obj.created_by == w.users[role]
    return check


def check_ranking(side: Side):
    def check(w: World, role, status, response):
        listing = w.listings[(side, status)]
        rows = response.json()["results"]
        if status != S.PUBLISHED:
            assert rows == [] and response.json()["count"] == 0
            return
        expected = set(Match.objects.filter(**{side.fk_id: listing.pk}, **{f"{side.other.fk}__status": S.PUBLISHED})
                       .exclude(status=M.REJECTED).values_list("pk", flat=True))
        assert expected and {r["id"] for r in rows} == expected
        rank_key = f"{side.prefix}_rank"
        ranks = [r[rank_key] for r in rows if r[rank_key] is not None]
        assert ranks == sorted(ranks)
        for r in rows:
            assert r[side.fk]["id"] == listing.pk and r[side.other.fk]["status"] == S.PUBLISHED
            assert set(r["parts"]) <= {"s2c", "c2s"} and r["explanation"] is not None
    return check


def check_match_status(to_status: str):
    def check(w: World, role, status, response):
        match = fresh(w.matches[status])
        assert match.status == to_status == response.json()["status"]
        assert match.decided_by == w.users[role] and match.decision_reason == "矩阵理由"
    return check


def check_interest(w: World, role, status, response):
    match = fresh(w.matches[status])
    assert MatchInterest.objects.filter(match=match, organization=w.orgs[role]).exists()
    assert match.status == M.SHORTLISTED == response.json()["status"]


def check_queue(w: World, role, target, response):
    expected = set(Match.objects.filter(status__in=(M.SUGGESTED, M.SHORTLISTED), scenario__status=S.PUBLISHED,
                                        capability__status=S.PUBLISHED).values_list("pk", flat=True))
    assert {r["id"] for r in response.json()["results"]} == expected
    assert response.json()["count"] == len(expected)


def check_mine(w: World, role, target, response):
    expected = {w.matches[M.APPROVED].pk} if role in ("hospital", "vendor") else set()
    assert {r["id"] for r in response.json()["results"]} == expected
    for r in response.json()["results"]:  # an approved match shows both sides' contacts
        assert r["scenario"]["contact"] is not None and r["capability"]["contact"] is not None


def check_batches(w: World, role, target, response):
    (row,) = response.json()["results"]
    # the list holds a published and an archived listing of each kind: only published count
    assert (row["id"], row["scenario_count"], row["capability_count"]) == (w.batch.pk, 1, 1)


def check_batch_created(w: World, role, target, response):
    assert Batch.objects.filter(pk=response.json()["id"], created_by=w.users[role]).exists()


def check_organizations(w: World, role, target, response):
    assert response.json()["count"] == Organization.objects.count() == 5


def check_me(w: World, role, target, response):
    body = response.json()
    assert body["username"] == w.users[role].username and body["is_officer"] == (role == "officer")
    assert [m["organization"]["id"] for m in body["memberships"]] == [w.role_org_id(role)]


def check_token(w: World, role, target, response):
    assert response.json()["token"] == w.tokens[role]


def check_token_revoked(w: World, role, target, response):
    assert not Token.objects.filter(user=w.users[role]).exists()


def check_job_started(w: World, role, target, response):
    assert response.json()["id"] == w.job.pk  # the queued job, not a second one
    assert RerankJob.objects.count() == 1


def check_jobs(w: World, role, target, response):
    assert [j["id"] for j in response.json()["results"]] == [w.job.pk]


def check_schema(w: World, role, target, response):
    assert b"openapi: 3" in response.content


def check_docs(w: World, role, target, response):
    html = response.content.decode()
    assert "swagger-ui" in html and "cdn." not in html and "https://" not in html


def token_body(w: World, role, target):
    if role == "anon":
        return {"username": "nobody", "password": "wrong-password-1"}
    from tests.factories import PASSWORD

    return {"username": w.users[role].username, "password": PASSWORD}


CREATE_BODY = {SCENARIO: {"title": "矩阵新建需求", "description": "矩阵测试新建的需求描述，足够十个字。",
                          "field": "smart-imaging"},
               CAPABILITY: {"title": "矩阵新建能力", "description": "矩阵测试新建的能力描述，足够十个字。",
                            "field": "smart-imaging"}}


def listing_endpoints(side: Side) -> list[Endpoint]:
    prefix = "scenario" if side.is_need else "capability"
    out = [
        Endpoint(f"{prefix}-list", "get", anyone(200), url=lambda w, t, p=prefix: reverse(f"api:{p}-list")
                 + "?page_size=100", check=check_visible_list(side)),
        Endpoint(f"{prefix}-list", "post", members_not_officers(201),
                 url=lambda w, t, p=prefix: reverse(f"api:{p}-list"), body=lambda w, r, t, k=side: CREATE_BODY[k],
                 check=check_create(side)),
        Endpoint(f"{prefix}-detail", "get", lambda r, s, k=side: listing_detail_get(r, k, s), targets=tuple(STATUSES),
                 side=side, url=listing_url(f"{prefix}-detail", side)),
        Endpoint(f"{prefix}-detail", "patch", lambda r, s, k=side: listing_patch(r, k, s), targets=tuple(STATUSES),
                 side=side, url=listing_url(f"{prefix}-detail", side),
                 body=lambda w, r, t: {"title": "改过的标题-矩阵"}, check=check_patch(side)),
        Endpoint(f"{prefix}-matches", "get", lambda r, s, k=side: listing_matches_get(r, k, s),
                 targets=tuple(STATUSES), side=side, url=listing_url(f"{prefix}-matches", side),
                 check=check_ranking(side)),
    ]
    for action, (sources, who, to_status) in TRANSITIONS.items():
        rule = transition(sources, who)
        body = {"return": lambda w, r, t: {"comment": "请补充预算"},
                "publish": lambda w, r, t: {"batch": w.batch.pk}}.get(action, lambda w, r, t: {})
        out.append(Endpoint(f"{prefix}-{action}", "post", lambda r, s, k=side, f=rule: f(r, k, s),
                            targets=tuple(STATUSES), side=side, url=listing_url(f"{prefix}-{action}", side), body=body,
                            check=check_listing_status(side, to_status)))
    return out


def fixed(name: str):
    return lambda w, t: reverse(f"api:{name}")


ENDPOINTS: list[Endpoint] = [
    *listing_endpoints(SCENARIO),
    *listing_endpoints(CAPABILITY),
    Endpoint("schema", "get", anyone(200), url=fixed("schema"), check=check_schema),
    Endpoint("docs", "get", anyone(200), url=fixed("docs"), check=check_docs),
    Endpoint("auth-token", "post", lambda r, *_: 400 if r == "anon" else 200, url=fixed("auth-token"),
             body=token_body, check=check_token),
    Endpoint("auth-token", "delete", authenticated(204), url=fixed("auth-token"), check=check_token_revoked),
    Endpoint("auth-me", "get", authenticated(200), url=fixed("auth-me"), check=check_me),
    Endpoint("organization-list", "get", anyone(200), url=fixed("organization-list"), check=check_organizations),
    Endpoint("organization-detail", "get", anyone(200),
             url=lambda w, t: reverse("api:organization-detail", kwargs={"pk": w.orgs["hospital"].pk})),
    Endpoint("batch-list", "get", anyone(200), url=fixed("batch-list"), check=check_batches),
    Endpoint("batch-list", "post", officers(201), url=fixed("batch-list"),
             body=lambda w, r, t: {"name": "矩阵新清单", "published_on": "2025-07-01"}, check=check_batch_created),
    Endpoint("batch-detail", "get", anyone(200),
             url=lambda w, t: reverse("api:batch-detail", kwargs={"pk": w.batch.pk})),
    Endpoint("match-list", "get", officers(200), url=lambda w, t: reverse("api:match-list") + "?page_size=100",
             check=check_queue),
    Endpoint("match-mine", "get", authenticated(200), url=fixed("match-mine"), check=check_mine),
    Endpoint("match-detail", "get", match_get, targets=tuple(MATCH_STATUSES), url=match_url("match-detail")),
    Endpoint("match-interest", "post", match_interest, targets=tuple(MATCH_STATUSES), url=match_url("match-interest"),
             body=lambda w, r, t: {"reason": "矩阵意向"}, check=check_interest),
    Endpoint("match-approve", "post", match_decide, targets=tuple(MATCH_STATUSES), url=match_url("match-approve"),
             body=lambda w, r, t: {"reason": "矩阵理由"}, check=check_match_status(M.APPROVED)),
    Endpoint("match-reject", "post", match_decide, targets=tuple(MATCH_STATUSES), url=match_url("match-reject"),
             body=lambda w, r, t: {"reason": "矩阵理由"}, check=check_match_status(M.REJECTED)),
    Endpoint("job-list", "get", officers(200), url=fixed("job-list"), check=check_jobs),
    Endpoint("job-list", "post", officers(202), url=fixed("job-list"), body=lambda w, r, t: {"reason": "矩阵"},
             check=check_job_started),
    Endpoint("job-current", "get", officers(200), url=fixed("job-current")),
    Endpoint("job-detail", "get", officers(200), url=lambda w, t: reverse("api:job-detail", kwargs={"pk": w.job.pk})),
    *event_endpoints(Endpoint),
    *[Endpoint("not-found", m, anyone(404), url=lambda w, t: "/api/no-such-thing/") for m in
      ("get", "post", "put", "patch", "delete")],
]
CELLS = [(e, role, target) for e in ENDPOINTS for target in e.targets for role in ROLES]


def cell_id(cell) -> str:
    e, role, target = cell
    side = f"{e.side}:" if e.side else ""
    return f"{e.method.upper()} {e.url_name} [{side}{target or '-'}] as {role}"


# --- what "nothing changed" and "nothing leaked" mean --------------------------------------------

def fingerprint() -> list[Any]:
    rows: list[Any] = []
    for side in SIDES:
        rows.append(list(side.model.objects.order_by("pk").values_list(
            "pk", "status", "title", "description", "updated_at", "batch_id", "number", "organization_id")))
    rows += [ScenarioTransition.objects.count(), CapabilityTransition.objects.count(),
             list(Match.objects.order_by("pk").values_list("pk", "status", "updated_at", "decision_reason")),
             MatchInterest.objects.count(), MatchEvent.objects.count(),
             list(Batch.objects.order_by("pk").values_list("pk", "name")),
             list(RerankJob.objects.order_by("pk").values_list("pk", "status")),
             sorted(Token.objects.values_list("key", flat=True)), Notification.objects.count(),
             Organization.objects.count(), Membership.objects.count(), *event_fingerprint()]
    return rows


def forbidden_strings(w: World, role: str) -> list[str]:
    """Titles of listings the role may not see; contacts of listings whose contacts it may not see
    (the other side's contact on an approved match is the one exception)."""
    approved = w.matches[M.APPROVED]
    revealed = {"hospital": {(CAPABILITY, approved.capability_id)},
                "vendor": {(SCENARIO, approved.scenario_id)}}.get(role, set())
    out = []
    for o in w.every_listing:
        if not w.can_see_listing(role, o):
            out.append(o.title)
        if not w.can_see_contacts(role, o) and (o.SIDE, o.pk) not in revealed:
            out += [o.contact_phone, o.contact_email, o.contact_name]
    return out


def assert_error_shape(response) -> None:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and isinstance(body["error"]["fields"], dict)


# --- the matrix -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS, ids=[cell_id(c) for c in CELLS])
def test_matrix(cell, world, client_for):
    endpoint, role, target = cell
    expected = endpoint.expect(role, target)
    url = endpoint.url(world, target)
    body = endpoint.body(world, role, target) if endpoint.body else None
    write = endpoint.method in WRITE_METHODS
    before = fingerprint() if write else None

    client = client_for(role)
    call = getattr(client, endpoint.method)
    response = call(url, data=json.dumps(body), content_type="application/json") if body is not None else call(url)

    assert response.status_code == expected, (response.status_code, response.content[:500])
    text = response.content.decode()
    leaks = [s for s in forbidden_strings(world, role) if s and s in text]
    assert not leaks, f"{role} was shown {leaks}"
    if expected >= 400:
        assert_error_shape(response)
        if expected == 401:
            assert response.headers["WWW-Authenticate"] == "Token"
        if write:
            assert fingerprint() == before, "a refused write changed the database"
    elif endpoint.check:
        endpoint.check(world, role, target, response)


# --- the matrix covers every URL and method ---------------------------------------------------------

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def api_routes() -> dict[str, set[str]]:
    """url name → the methods its view implements, for every URL under /api/."""
    def walk(patterns, prefix: str):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith("api/"):
                yield p, route

    out: dict[str, set[str]] = {}
    for pattern, route in walk(get_resolver().url_patterns, ""):
        assert pattern.name, f"{route} has no URL name, so no matrix cell can name it"
        cls = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        assert cls is not None, f"{route} is not a class-based view"
        methods = {m for m in HTTP_METHODS if callable(getattr(cls, m, None))}
        assert pattern.name not in out, f"two URLs are named {pattern.name}"
        out[pattern.name] = methods
    return out


def test_matrix_covers_every_api_url_and_method():
    routes = api_routes()
    assert len(routes) >= 30
    implemented = {(name, m) for name, methods in routes.items() for m in methods}
    covered = {(e.url_name, e.method) for e in ENDPOINTS}
    assert implemented - covered == set(), "endpoints without an authorization matrix entry"
    assert covered - implemented == set(), "matrix entries for endpoints that do not exist"
    # every endpoint is exercised for every role
    for e in ENDPOINTS:
        assert {role for (cell_e, role, _t) in CELLS if cell_e is e} == set(ROLES)


def test_matrix_listing_endpoints_cover_every_status():
    for e in ENDPOINTS:
        if e.side is not None and not e.url_name.endswith("-list"):
            assert set(e.targets) == set(STATUSES), e.url_name
        if e.url_name.startswith("match-") and e.url_name not in ("match-list", "match-mine"):
            assert set(e.targets) == set(MATCH_STATUSES), e.url_name


def test_methods_an_endpoint_does_not_implement_get_405(world, client_for):
    client = client_for("officer")  # passes every permission check, so only the method is wrong
    checked = 0
    for name, methods in api_routes().items():
        if name == "not-found":
            continue
        kwargs = {"pk": 1} if "<int:pk>" in _route_of(name) else {}
        for method in set(HTTP_METHODS) - methods:
            response = getattr(client, method)(reverse(f"api:{name}", kwargs=kwargs))
            assert response.status_code == 405, (name, method, response.status_code)
            assert_error_shape(response)
            assert response.json()["error"]["code"] == "method_not_allowed"
            checked += 1
    assert checked > 50


def _route_of(name: str) -> str:
    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and str(p.pattern) == "api/":
            for q in p.url_patterns:
                if q.name == name:
                    return str(q.pattern)
    raise LookupError(name)
