"""Writes about users, organisations and memberships."""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from config.errors import DomainError, InvalidTransition, NotAllowed

from .models import Membership, Organization, User
from .selectors import user_is_org_admin

OFFICER_GROUP = "Program officers"
# What an officer may see and change in the Django admin. Status changes still go through the
# admin actions, which call the workflow services.
_OFFICER_PERMISSIONS = [
    ("accounts", "organization", ("view", "change")),
    ("accounts", "membership", ("view",)),
    ("scenarios", "scenario", ("view", "change")),
    ("scenarios", "scenariotransition", ("view",)),
    ("scenarios", "batch", ("view", "add", "change")),
    ("scenarios", "field", ("view",)),
    ("suppliers", "capability", ("view", "change")),
    ("suppliers", "capabilitytransition", ("view",)),
    ("matching", "match", ("view",)),
    ("matching", "matchevent", ("view",)),
    ("matching", "rerankjob", ("view",)),
]


def user_create(*, username: str, password: str, email: str = "", first_name: str = "",
                last_name: str = "", phone: str = "") -> User:
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, phone=phone)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def organization_create(*, actor: User, name: str, kind: str, province: str = "", city: str = "",
                        description: str = "") -> Organization:
    """Create an unverified organisation with the actor as its administrator."""
    if kind == Organization.Kind.AGENCY and not actor.is_superuser:
        raise NotAllowed(_("Only a site administrator can create a government agency."))
    org = Organization(name=name.strip(), kind=kind, province=province.strip(), city=city.strip(),
                       description=description)
    org.full_clean()
    org.save()
    Membership.objects.create(user=actor, organization=org, role=Membership.Role.ADMIN,
                              status=Membership.Status.ACTIVE)
    return org


@transaction.atomic
def membership_request(*, actor: User, organization: Organization) -> Membership:
    """Ask to join an organisation; an administrator of it must approve."""
    if organization.is_agency:
        raise NotAllowed(_("Agencies add their officers themselves; ask a site administrator."))
    existing = Membership.objects.filter(user=actor, organization=organization).first()
    if existing:
        raise InvalidTransition(_("You have already asked to join or are a member of this organisation."))
    return Membership.objects.create(user=actor, organization=organization, role=Membership.Role.MEMBER,
                                     status=Membership.Status.PENDING)


@transaction.atomic
def membership_approve(*, actor: User, membership_id: int) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not user_is_org_admin(user=actor, organization_id=membership.organization_id):
        raise NotAllowed(_("Only an administrator of the organisation can approve members."))
    if membership.status != Membership.Status.PENDING:
        raise InvalidTransition(_("This request has already been decided."))
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    return membership


def officer_group_ensure() -> Group:
    """The group that gives officers their admin permissions (idempotent)."""
    group, _created = Group.objects.get_or_create(name=OFFICER_GROUP)
    perms = []
    for app_label, model, actions in _OFFICER_PERMISSIONS:
        for action in actions:
            perms.extend(Permission.objects.filter(content_type__app_label=app_label,
                                                   codename=f"{action}_{model}"))
    group.permissions.set(perms)
    return group


@transaction.atomic
def officer_grant(*, actor: User | None, user: User, agency: Organization) -> Membership:
    """Make `user` a program officer of `agency`. `actor` None means a management command."""
    if actor is not None and not actor.is_superuser:
        raise NotAllowed(_("Only a site administrator can appoint program officers."))
    if not agency.is_agency:
        raise DomainError(_("Program officers must belong to a government agency."))
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=agency,
        defaults={"role": Membership.Role.OFFICER, "status": Membership.Status.ACTIVE},
    )
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(officer_group_ensure())
    return membership


def auth_token_issue(*, user: User) -> str:
    """The user's API token, created on first use (one per user; the same key until revoked)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def auth_token_revoke(*, user: User) -> bool:
    """Delete the user's API token; scripts holding it are refused from then on."""
    deleted, _detail = Token.objects.filter(user=user).delete()
    return bool(deleted)
