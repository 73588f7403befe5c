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
