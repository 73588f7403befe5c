"""One populated platform for the API tests, built through the real services.

- a hospital and a vendor each own a listing in every status (needs and capabilities), and
  four more published ones whose matches an officer has taken to each match status;
- another hospital and another vendor own a published and a draft listing each;
- one list (batch), one queued re-rank job, an API token per user.

Every listing has a unique title and unique contact details, so a test can tell from a
response's text alone whether something the caller may not see leaked into it.
"""
from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

from django.test import TestCase, override_settings
from rest_framework.authtoken.models import Token

from accounts.models import Organization, User
from core.side import CAPABILITY, SCENARIO, SIDES, Side
from matching import pool as matching_pool
from matching.models import Match, MatchStatus, RerankJob
from matching.workflow import match_approve, match_express_interest, match_reject
from scenarios.models import Batch, ListingBase, ListingStatus
from scenarios.services import batch_create, listing_archive, listing_publish
from tests.factories import OrganizationFactory, make_listing, make_officer, member_of

S = ListingStatus
STATUSES = [S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.ARCHIVED]
MATCH_STATUSES = [MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED, MatchStatus.APPROVED, MatchStatus.REJECTED]
ROLES = ["anon", "hospital", "other_hospital", "vendor", "other_vendor", "officer"]
OWNER_ROLE = {SCENARIO: "hospital", CAPABILITY: "vendor"}
FAST_SETTINGS = {
    "MATCHING_EMBEDDER": "hashing",
    "MATCHING_SCORE_FLOOR": 0.0,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@dataclass
class World:
    orgs: dict[str, Organization]
    users: dict[str, User]
    tokens: dict[str, str]
    # (kind, status) → the hospital's need / the vendor's capability in that status
    listings: dict[tuple[str, str], ListingBase]
    # match status → a match between a need of the hospital and a capability of the vendor
    matches: dict[str, Match]
    batch: Batch
    job: RerankJob
    every_listing: list[ListingBase] = field(default_factory=list)
    event_world: object = None  # tests/events/api_world.py: an event, its meetings, a round

    def role_org_id(self, role: str) -> int | None:
        org = self.orgs.get(role)
        return org.pk if org else None

    def can_see_listing(self, role: str, listing: ListingBase) -> bool:
        """The rule of the issue, written out independently of the code under test."""
        return (listing.status == S.PUBLISHED or role == "officer"
                or listing.organization_id == self.role_org_id(role))

    def can_see_contacts(self, role: str, listing: ListingBase) -> bool:
        return role == "officer" or listing.organization_id == self.role_org_id(role)


_numbers = itertools.count(1000001)


def _contact(tag: str) -> dict:
    n = next(_numbers)
    return {"contact_name": f"联系人《{tag}》", "contact_phone": f"020-{n:07d}",
            "contact_email": f"c{n:07d}@example.org"}


def _listing(side: Side, org, author, status: str, tag: str, officer: User) -> ListingBase:
    # delimited, so that no title is a substring of another (the leak checks search for them)
    title = ("需求" if side.is_need else "能力") + f"《{tag}》"
    return make_listing(side=side, org=org, author=author, status=status, officer=officer, title=title,
                        **_contact(tag))


def build_world() -> World:
    """Build the world, running the engine's after-commit tasks (embedding, ranking) the way a
    commit would, between the steps that need their results."""
    with override_settings(**FAST_SETTINGS):
        matching_pool.pool_cache_clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            state = _build_listings()
        with TestCase.captureOnCommitCallbacks(execute=True):
            world = _build_matches(**state)
        with TestCase.captureOnCommitCallbacks(execute=True):
            from tests.events.api_world import build_event_world

            world.event_world = build_event_world(orgs=world.orgs, users=world.users, listings=world.listings,
                                                  matches=world.matches, batch=world.batch, every=world.every_listing)
        matching_pool.pool_cache_clear()
    return world


def _build_listings() -> dict:
    orgs = {
        "hospital": OrganizationFactory(name="广州市第一人民医院", kind="hospital", city="广州"),
        "other_hospital": OrganizationFactory(name="深圳市人民医院", kind="hospital", city="深圳"),
        "vendor": OrganizationFactory(name="华影智能科技有限公司", kind="company", city="深圳"),
        "other_vendor": OrganizationFactory(name="康联医疗科技有限公司", kind="company", city="武汉",
                                            province="湖北"),
    }
    users = {role: member_of(org) for role, org in orgs.items()}
    users["officer"] = make_officer()
    orgs["officer"] = Organization.objects.get(kind=Organization.Kind.AGENCY)
    officer = users["officer"]
    batch = batch_create(actor=officer, name="2025年广东省生物医药应用场景清单",
                         published_on=datetime.date(2025, 6, 30))

    listings: dict[tuple[str, str], ListingBase] = {}
    every: list[ListingBase] = []
    for side in SIDES:
        role = OWNER_ROLE[side]
        for status in STATUSES:
            obj = _listing(side, orgs[role], users[role], S.SUBMITTED if status in (S.PUBLISHED, S.ARCHIVED)
                           else status, f"{side.letter}-{status}", officer)
            if status in (S.PUBLISHED, S.ARCHIVED):
                obj = listing_publish(actor=officer, listing=obj, batch=batch)
            if status == S.ARCHIVED:
                obj = listing_archive(actor=officer, listing=obj)
            listings[(side, status)] = obj
            every.append(obj)
    for role, side in (("other_hospital", SCENARIO), ("other_vendor", CAPABILITY)):
        for status in (S.PUBLISHED, S.DRAFT):
            every.append(_listing(side, orgs[role], users[role], status, f"{side.letter}-{status}-{role}", officer))
    # a need and a capability of their own for each match status but "suggested"
    pairs = [(listings[(SCENARIO, S.PUBLISHED)], listings[(CAPABILITY, S.PUBLISHED)])]
    for i in range(1, len(MATCH_STATUSES)):
        s = _listing(SCENARIO, orgs["hospital"], users["hospital"], S.PUBLISHED, f"s-m{i}", officer)
        c = _listing(CAPABILITY, orgs["vendor"], users["vendor"], S.PUBLISHED, f"c-m{i}", officer)
        every += [s, c]
        pairs.append((s, c))
    return {"orgs": orgs, "users": users, "batch": batch, "listings": listings, "every": every, "pairs": pairs}


def _build_matches(*, orgs, users, batch, listings, every, pairs) -> World:
    officer = users["officer"]
    matches = {}
    for status, (s, c) in zip(MATCH_STATUSES, pairs, strict=True):
        match = Match.objects.get(scenario=s, capability=c)
        assert match.status == MatchStatus.SUGGESTED
        if status == MatchStatus.SHORTLISTED:
            match_express_interest(actor=users["hospital"], match_id=match.pk, reason="有意向")
        elif status == MatchStatus.APPROVED:
            match_express_interest(actor=users["vendor"], match_id=match.pk, reason="可以部署")
            match_approve(actor=officer, match_id=match.pk, reason="双方匹配")
        elif status == MatchStatus.REJECTED:
            match_reject(actor=officer, match_id=match.pk, reason="部署方式不符")
        match.refresh_from_db()
        assert match.status == status
        matches[status] = match
    # queued, not run: the matrix's officer then gets this job back instead of starting one
    job = RerankJob.objects.create(total=0, reason="世界", created_by=officer)
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    for obj in every:
        obj.refresh_from_db()
    return World(orgs=orgs, users=users, tokens=tokens, listings=listings, matches=matches, batch=batch, job=job,
                 every_listing=every)
