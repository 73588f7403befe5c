"""Reads about who a user is and whom they act for."""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from config.errors import NotFound

from .models import Membership, Organization, User

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


def organization_get(*, organization_id: int) -> Organization:
    """One organisation by id (organisations are public); NotFound otherwise."""
    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        raise NotFound(_("No such organisation."))
    return org
