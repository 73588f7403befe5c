"""Factories and helpers that set data up through the real services."""
from __future__ import annotations

import factory

from accounts.models import Membership, Organization, User
from accounts.services import officer_grant
from core.side import SCENARIO, Side
from scenarios.models import Field, ListingStatus
from scenarios.services import listing_create, listing_publish, listing_return, listing_submit

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = "测试"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = Organization.Kind.HOSPITAL
    province = "广东"
    city = "广州"


def member_of(org: Organization, *, role: str = Membership.Role.MEMBER, user: User | None = None) -> User:
    user = user or UserFactory()
    Membership.objects.create(user=user, organization=org, role=role, status=Membership.Status.ACTIVE)
    return user


def make_officer() -> User:
    agency = Organization.objects.filter(kind=Organization.Kind.AGENCY).first() or OrganizationFactory(
        kind=Organization.Kind.AGENCY, name="广东省发展改革委场景创新中心")
    user = UserFactory()
    officer_grant(actor=None, user=user, agency=agency)
    return user


def field(code: str = "smart-imaging") -> Field:
    return Field.objects.get(code=code)


def listing_data(side: Side = SCENARIO, **overrides) -> dict:
    data = {
        "title": "肺结节CT影像辅助诊断" if side.is_need else "肺结节CT智能检测软件",
        "description": ("体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不得离开医院。"
                        if side == SCENARIO else
                        "深度学习检出实性与亚实性肺结节，已获第三类医疗器械注册证，可院内私有化部署。"),
        "field": field(),
        "contact_name": "张医生", "contact_phone": "020-12345678", "contact_email": "contact@example.org",
    }
    data.update(overrides)
    return data


def make_listing(*, side: Side, org: Organization, author: User, status: str = ListingStatus.DRAFT,
                 officer: User | None = None, **overrides):
    """A listing brought to `status` through the workflow services."""
    listing = listing_create(actor=author, side=side, organization=org, data=listing_data(side, **overrides))
    if status == ListingStatus.DRAFT:
        return listing
    listing = listing_submit(actor=author, listing=listing)
    if status == ListingStatus.SUBMITTED:
        return listing
    officer = officer or make_officer()
    if status == ListingStatus.RETURNED:
        return listing_return(actor=officer, listing=listing, comment="请补充预算")
    listing = listing_publish(actor=officer, listing=listing)
    if status == ListingStatus.PUBLISHED:
        return listing
    from scenarios.services import listing_archive

    return listing_archive(actor=officer, listing=listing)


# --- events -------------------------------------------------------------------------------------

def make_event(*, officer: User, day=None, sessions=((14, 0, 15, 0),), roadshow=None, **overrides):
    """An event through the services: meetings sessions (start h, m, end h, m) on `day`
    (tomorrow by default), and optionally a roadshow session."""
    import datetime as dt

    from django.utils import timezone

    from events.models import Session
    from events.services.events import event_create, session_add

    day = day or (timezone.localdate() + dt.timedelta(days=1))
    data = {"name": "2025生物医药应用场景供需对接会", "date": day, "venue": "广州国际会议中心", "venue_tables": 40,
            "tables": 10, "spare_share": 0.0, "meeting_minutes": 20}
    data.update(overrides)
    event = event_create(actor=officer, **data)

    def at(h, m):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(h, m)))

    for h1, m1, h2, m2 in sessions:
        session_add(actor=officer, event=event, start=at(h1, m1), end=at(h2, m2))
    if roadshow:
        h1, m1, h2, m2 = roadshow
        session_add(actor=officer, event=event, start=at(h1, m1), end=at(h2, m2), kind=Session.Kind.ROADSHOW)
    return event


def register(event, org: Organization, user: User, *, reps=("王主任",), windows=None):
    """Register an invited organisation, available in every meetings session unless told otherwise."""
    from events.models import Session
    from events.services.participation import participant_register

    if windows is None:
        windows = [(s.start, s.end) for s in event.sessions.filter(kind=Session.Kind.MEETINGS)]
    return participant_register(actor=user, event=event, organization_id=org.pk,
                                representatives=[{"name": r, "position": "代表"} for r in reps], windows=windows)
