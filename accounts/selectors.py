"""Reads about who a user is and whom they act for."""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import NotFound
from core.side import CAPABILITY, SCENARIO, SIDES, Side

from .models import Membership, Notification, Organization, User

Actor = User | AnonymousUser


def membership_list_active(*, user: Actor) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("organization")
        .order_by("organization__name")
    )


def user_organization_ids(*, user: Actor) -> set[int]:
    """Ids of the organisations the user acts for (active memberships only)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_sb_org_ids", None)
    if cached is None:
        cached = set(membership_list_active(user=user).values_list("organization_id", flat=True))
        user._sb_org_ids = cached
    return cached


def user_is_member(*, user: Actor, organization_id: int | None) -> bool:
    return organization_id is not None and organization_id in user_organization_ids(user=user)


def user_is_org_admin(*, user: Actor, organization_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organization_id=organization_id, status=Membership.Status.ACTIVE,
        role__in=[Membership.Role.ADMIN, Membership.Role.OFFICER],
    ).exists()


def user_is_officer(*, user: Actor) -> bool:
    """A program officer: an active officer membership in an agency."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_sb_is_officer", None)
    if cached is None:
        cached = Membership.objects.filter(
            user=user,
            role=Membership.Role.OFFICER,
            status=Membership.Status.ACTIVE,
            organization__kind=Organization.Kind.AGENCY,
        ).exists()
        user._sb_is_officer = cached
    return cached


def organization_list(*, verified_only: bool = False) -> QuerySet[Organization]:
    qs = Organization.objects.all()
    if verified_only:
        qs = qs.filter(verified=True)
    return qs.order_by("name")


# The side of the platform each kind of organisation posts on: needs (场景需求业主单位) or
# capabilities (能力供给单位). Agencies post neither.
DEMAND_KINDS = frozenset({Organization.Kind.HOSPITAL, Organization.Kind.CDC, Organization.Kind.PHARMA,
                          Organization.Kind.ELDERLY_CARE})
SUPPLY_KINDS = frozenset({Organization.Kind.COMPANY, Organization.Kind.UNIVERSITY, Organization.Kind.INSTITUTE})


def organization_listing_side(*, organization: Organization) -> Side | None:
    """Needs for a demand-side organisation, capabilities for a supplier, None for an agency."""
    if organization.kind in DEMAND_KINDS:
        return SCENARIO
    if organization.kind in SUPPLY_KINDS:
        return CAPABILITY
    return None


def organizations_posting(*, user: Actor, side: Side) -> list[Organization]:
    """The user's organisations (active memberships) that post listings of `side`."""
    return [m.organization for m in membership_list_active(user=user)
            if organization_listing_side(organization=m.organization) is side]


def user_listing_sides(*, user: Actor) -> list[Side]:
    """The sides the user can post on, in a stable order (needs first)."""
    sides = {organization_listing_side(organization=m.organization) for m in membership_list_active(user=user)}
    return [s for s in SIDES if s in sides]


def membership_list_pending(*, user: Actor) -> QuerySet[Membership]:
    """The user's own requests to join that wait for an administrator."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (Membership.objects.filter(user=user, status=Membership.Status.PENDING)
            .select_related("organization").order_by("organization__name"))


def membership_list_for_organization(*, organization: Organization) -> QuerySet[Membership]:
    """Members of an organisation, requests waiting first (callers check the viewer is an admin)."""
    return (Membership.objects.filter(organization=organization).select_related("user")
            .order_by("-status", "user__username"))


def organization_list_administered(*, user: Actor) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE,
        memberships__role__in=[Membership.Role.ADMIN, Membership.Role.OFFICER],
    ).distinct().order_by("name")


def organization_search(*, user: Actor, q: str = "") -> QuerySet[Organization]:
    """Organisations the user could ask to join: not agencies, not already joined or requested."""
    qs = Organization.objects.exclude(kind=Organization.Kind.AGENCY)
    if user.is_authenticated:
        qs = qs.exclude(memberships__user=user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name")


def notification_list(*, user: Actor) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def notification_unread_count(*, user: Actor) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
def organization_get(*, organization_id: int) -> Organization:
    """One organisation by id (organisations are public); NotFound otherwise."""
    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        raise NotFound(_("No such organisation."))
    return org
