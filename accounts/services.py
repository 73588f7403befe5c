"""Writes about users, organisations and memberships."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound

from .models import Membership, Notification, Organization, User
from .notifications import notify
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
    membership = Membership.objects.create(user=actor, organization=organization, role=Membership.Role.MEMBER,
                                           status=Membership.Status.PENDING)
    admins = [m.user for m in Membership.objects.filter(
        organization=organization, status=Membership.Status.ACTIVE,
        role=Membership.Role.ADMIN).select_related("user")]
    with translation.override(settings.LANGUAGE_CODE):  # stored in the site's language, like notify()
        subject = gettext("Request to join %(org)s") % {"org": organization.name}
        body = gettext("%(user)s asks to join %(org)s.") % {"user": actor, "org": organization.name}
    notify(users=admins, subject=subject, body=body, link=_link("accounts:organization-members", pk=organization.pk))
    return membership


def _link(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@transaction.atomic
def membership_approve(*, actor: User, membership_id: int) -> Membership:
    membership = Membership.objects.select_for_update().filter(pk=membership_id).first()
    if membership is None:
        raise NotFound(_("No such request."))
    if not user_is_org_admin(user=actor, organization_id=membership.organization_id):
        raise NotAllowed(_("Only an administrator of the organisation can approve members."))
    if membership.status != Membership.Status.PENDING:
        raise InvalidTransition(_("This request has already been decided."))
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    org_name = membership.organization.name
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Welcome to %(org)s") % {"org": org_name}
        body = gettext("An administrator approved your request to join %(org)s.") % {"org": org_name}
    notify(users=[membership.user], subject=subject, body=body, link=_link("accounts:home"))
    return membership


@transaction.atomic
def membership_decline(*, actor: User, membership_id: int) -> None:
    """Refuse a request to join; the request is deleted, so the user may ask again later."""
    membership = Membership.objects.select_for_update().filter(pk=membership_id).first()
    if membership is None:
        raise NotFound(_("No such request."))
    if not user_is_org_admin(user=actor, organization_id=membership.organization_id):
        raise NotAllowed(_("Only an administrator of the organisation can approve members."))
    if membership.status != Membership.Status.PENDING:
        raise InvalidTransition(_("This request has already been decided."))
    membership.delete()


def notification_mark_read(*, actor: User, notification_id: int) -> Notification | None:
    """Mark one of the actor's notifications read (idempotent); None if it is not theirs."""
    notification = Notification.objects.filter(pk=notification_id, user=actor).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


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


SYSTEM_OFFICER = "scenebridge-system"
SYSTEM_AGENCY = "SceneBridge 场景桥平台"


def organization_build_unverified(*, name: str, kind: str, province: str = "", city: str = "") -> Organization:
    """An unsaved, unverified organisation, validated except for the uniqueness of its name
    (an import checks names against the database in one query). Raises ValidationError, or
    NotAllowed for an agency: agencies are created only by a site administrator."""
    if kind == Organization.Kind.AGENCY:
        raise NotAllowed(_("Only a site administrator can create a government agency."))
    org = Organization(name=(name or "").strip(), kind=kind, province=(province or "").strip(),
                       city=(city or "").strip(), verified=False)
    org.full_clean(validate_unique=False)
    return org


@transaction.atomic
def organizations_create_unverified(*, actor: User, organizations: list[Organization]) -> list[Organization]:
    """Save organisations named in an officer's import, unverified and without members (someone
    from the organisation asks to join later). All or none."""
    from .selectors import user_is_officer

    if not user_is_officer(user=actor):
        raise NotAllowed(_("Only program officers can do this."))
    for org in organizations:
        if org.kind == Organization.Kind.AGENCY:
            raise NotAllowed(_("Only a site administrator can create a government agency."))
        org.verified = False
        org.full_clean()
    return Organization.objects.bulk_create(organizations, batch_size=500)


@transaction.atomic
def officer_system_ensure() -> User:
    """The officer that management commands act as when no --as user is given (idempotent): a
    user without a usable password, officer of the first agency (created when there is none)."""
    agency = (Organization.objects.filter(kind=Organization.Kind.AGENCY).order_by("id").first()
              or Organization.objects.create(name=SYSTEM_AGENCY, kind=Organization.Kind.AGENCY, verified=True))
    user = User.objects.filter(username=SYSTEM_OFFICER).first()
    if user is None:
        user = User(username=SYSTEM_OFFICER, first_name="SceneBridge")
        user.set_unusable_password()
        user.save()
    officer_grant(actor=None, user=user, agency=agency)
    return user
def auth_token_issue(*, user: User) -> str:
    """The user's API token, created on first use (one per user; the same key until revoked)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def auth_token_revoke(*, user: User) -> bool:
    """Delete the user's API token; scripts holding it are refused from then on."""
    deleted, _detail = Token.objects.filter(user=user).delete()
    return bool(deleted)
