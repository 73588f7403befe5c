"""Writes on listings, for both sides: a need (Scenario) and an offering (suppliers.Capability).

The lifecycle::

    draft ──submit──▶ submitted ──publish──▶ published ──archive──▶ archived
      ▲                 │   │
      └────withdraw─────┘   └──return (comment)──▶ returned ──submit──▶ submitted

Every change locks the row, checks the actor and the source state, and records the change
(actor, time, from, to, comment) in the same transaction. Publishing, or editing a published
listing, queues embedding and ranking after the transaction commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.selectors import user_is_member, user_is_officer
from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound
from core.side import Side
from core.text import detect_language, search_terms
from matching import hooks as matching_hooks

from .models import Batch, ListingBase, ListingStatus, TransitionBase
from .permissions import can_view_listing, check_can_edit

Action = TransitionBase.Action
S = ListingStatus
COMMENT_MAX = 2000


@dataclass(frozen=True)
class _Rule:
    sources: frozenset[str]
    target: str
    who: str  # "owner", "officer" or "owner_or_officer"


RULES: dict[str, _Rule] = {
    Action.SUBMIT: _Rule(frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "owner"),
    Action.WITHDRAW: _Rule(frozenset({S.SUBMITTED}), S.DRAFT, "owner"),
    Action.PUBLISH: _Rule(frozenset({S.SUBMITTED}), S.PUBLISHED, "officer"),
    Action.RETURN: _Rule(frozenset({S.SUBMITTED}), S.RETURNED, "officer"),
    Action.ARCHIVE: _Rule(frozenset({S.PUBLISHED}), S.ARCHIVED, "owner_or_officer"),
}

_WHO_MESSAGES = {
    "owner": _("Only members of the organisation that posted this listing can do this."),
    "officer": _("Only program officers can do this."),
    "owner_or_officer": _("Only the posting organisation or a program officer can do this."),
}


def allowed_actions(*, actor: User, listing: ListingBase) -> list[str]:
    """The transitions `actor` could apply to `listing` now (for showing buttons)."""
    owner = user_is_member(user=actor, organization_id=listing.organization_id)
    officer = user_is_officer(user=actor)
    out = []
    for action, rule in RULES.items():
        if listing.status in rule.sources and _who_ok(rule.who, owner=owner, officer=officer):
            out.append(action)
    return out


def _who_ok(who: str, *, owner: bool, officer: bool) -> bool:
    return {"owner": owner, "officer": officer, "owner_or_officer": owner or officer}[who]


def listing_full_clean(listing: ListingBase, *, exclude: list[str] | None = None, validate_constraints: bool = True) -> None:
    """Derived fields, then model validation (raises ValidationError with field messages).
    `exclude` skips fields already known valid (an unsaved new organisation of an import)."""
    for name in ("title", "contact_name", "contact_phone", "province", "city"):
        setattr(listing, name, (getattr(listing, name) or "").strip())
    if not listing.language:
        listing.language = detect_language(f"{listing.title}\n{listing.description}")
    listing.search_text = search_terms(f"{listing.title}\n{listing.description}")
    listing.full_clean(exclude=exclude, validate_constraints=validate_constraints)


def _apply(listing: ListingBase, data: dict[str, Any]) -> None:
    allowed = set(type(listing).editable_fields())
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise DomainError(_("Unknown fields: %(names)s") % {"names": ", ".join(unknown)})
    for name, value in data.items():
        setattr(listing, name, value)


def _record(listing: ListingBase, *, actor: User | None, action: str, from_status: str,
            comment: str = "") -> None:
    listing.transitions.create(actor=actor, action=action, from_status=from_status,
                               to_status=listing.status, comment=comment)


def listing_build(*, side: Side, organization: Organization, data: dict[str, Any], actor: User | None = None,
                  status: str = S.DRAFT, bulk: bool = False) -> ListingBase:
    """An unsaved listing of `organization` with `data` applied and validated: the one rule behind
    listing_create and listings_publish_bulk. Only editable fields; province and city default to
    the organisation's; the language is detected unless given. Raises DomainError (unknown
    fields, an agency) or ValidationError (field messages). `organization` may be unsaved (a new
    organisation of an import), in which case only its reference is not checked.

    `bulk` leaves out the checks that cost a query per listing and that the database repeats
    on insert anyway: that the organisation, field and actor rows exist (the caller loaded them)
    and the check constraints (Scenario.clean() tests the same conditions in Python)."""
    if organization.is_agency:
        raise NotAllowed(_("A government agency does not post needs or capabilities."))
    model = side.model
    listing = model(organization=organization, created_by=actor, status=status)
    listing.province = organization.province
    listing.city = organization.city
    listing.language = ""
    _apply(listing, data)
    exclude = ["organization"] if organization.pk is None else []
    if bulk:
        if listing.field_id is None:
            raise ValidationError({"field": [_("This field is required.")]})
        exclude += ["organization", "field", "created_by"]
    listing_full_clean(listing, exclude=exclude or None, validate_constraints=not bulk)
    return listing


@transaction.atomic
def listing_create(*, actor: User, side: Side, organization: Organization, data: dict[str, Any]) -> ListingBase:
    """Create a draft owned by `organization`, of which `actor` must be a member."""
    if not user_is_member(user=actor, organization_id=organization.pk):
        raise NotAllowed(_("You can only post for an organisation you are a member of."))
    listing = listing_build(side=side, organization=organization, data=data, actor=actor)
    listing.save()
    _record(listing, actor=actor, action=Action.CREATE, from_status="")
    return listing


@transaction.atomic
def listing_update(*, actor: User, listing: ListingBase, data: dict[str, Any]) -> ListingBase:
    """Change an editable listing. Editing a published one re-embeds and re-ranks it."""
    locked = type(listing).objects.select_for_update().get(pk=listing.pk)
    check_can_edit(actor=actor, listing=locked)
    _apply(locked, data)
    if "language" not in data:
        locked.language = ""
    listing_full_clean(locked)
    locked.save()
    _record(locked, actor=actor, action=Action.EDIT, from_status=locked.status)
    if locked.status == S.PUBLISHED:
        matching_hooks.listing_changed(side=locked.SIDE, listing_id=locked.pk)
    return locked


def _transition(*, actor: User | None, listing: ListingBase, action: str, comment: str = "",
                batch: Batch | None = None) -> ListingBase:
    rule = RULES[action]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("The comment is longer than %(n)d characters.") % {"n": COMMENT_MAX})
    with transaction.atomic():
        locked = (type(listing).objects.select_for_update().filter(pk=listing.pk).first())
        if locked is None:
            raise NotFound(_("No such listing."))
        if actor is not None:
            if not can_view_listing(actor=actor, listing=locked):
                raise NotFound(_("No such listing."))
            owner = user_is_member(user=actor, organization_id=locked.organization_id)
            officer = user_is_officer(user=actor)
            if not _who_ok(rule.who, owner=owner, officer=officer):
                raise NotAllowed(_WHO_MESSAGES[rule.who])
        if locked.status not in rule.sources:
            raise InvalidTransition(
                _("This listing is %(status)s; it cannot be %(action)s.")
                % {"status": locked.get_status_display(), "action": Action(action).label.lower()}
            )
        if action == Action.RETURN and not comment:
            raise DomainError(_("Say what needs to change: a comment is required to return a listing."),
                              fields={"comment": [_("This field is required.")]})
        from_status = locked.status
        locked.status = rule.target
        now = timezone.now()
        fields = ["status", "updated_at"]
        if action == Action.SUBMIT:
            locked.submitted_at = now
            fields.append("submitted_at")
        if action == Action.PUBLISH:
            locked.published_at = now
            fields.append("published_at")
            if batch is not None:
                locked.batch = batch
                locked.number = _next_number(type(locked), batch)
                fields += ["batch", "number"]
        locked.save(update_fields=fields)
        _record(locked, actor=actor, action=action, from_status=from_status, comment=comment)
        if action == Action.PUBLISH:
            matching_hooks.listing_changed(side=locked.SIDE, listing_id=locked.pk)
        elif from_status == S.PUBLISHED:
            matching_hooks.listing_withdrawn(side=locked.SIDE, listing_id=locked.pk)
        from . import notifications

        notifications.listing_transitioned(listing=locked, action=action, actor=actor, comment=comment)
    return locked


def _next_number(model, batch: Batch) -> int:
    # numbered per list and side, like the published provincial lists (1, 2, 3, …)
    top = model.objects.filter(batch=batch).aggregate(m=Max("number"))["m"]
    return (top or 0) + 1


def listing_submit(*, actor: User, listing: ListingBase) -> ListingBase:
    return _transition(actor=actor, listing=listing, action=Action.SUBMIT)


def listing_withdraw(*, actor: User, listing: ListingBase) -> ListingBase:
    return _transition(actor=actor, listing=listing, action=Action.WITHDRAW)


def listing_publish(*, actor: User, listing: ListingBase, batch: Batch | None = None,
                    comment: str = "") -> ListingBase:
    return _transition(actor=actor, listing=listing, action=Action.PUBLISH, batch=batch, comment=comment)


def listing_return(*, actor: User, listing: ListingBase, comment: str) -> ListingBase:
    return _transition(actor=actor, listing=listing, action=Action.RETURN, comment=comment)


def listing_archive(*, actor: User, listing: ListingBase, comment: str = "") -> ListingBase:
    return _transition(actor=actor, listing=listing, action=Action.ARCHIVE, comment=comment)


@transaction.atomic
def batch_create(*, actor: User, name: str, published_on, description: str = "") -> Batch:
    if not user_is_officer(user=actor):
        raise NotAllowed(_WHO_MESSAGES["officer"])
    batch = Batch(name=(name or "").strip(), published_on=published_on, description=description,
                  created_by=actor)
    batch.full_clean()
    batch.save()
    return batch


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    """Field → messages, for interfaces that show a ValidationError raised by a service."""
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


# --- many listings at once (imports) ----------------------------------------------------------

@dataclass
class ListingDraft:
    """One listing of a bulk publication: an imported row."""

    side: Side
    organization: Organization
    data: dict[str, Any]
    number: int | None = None   # its number in the list; the next free one when None
    comment: str = ""           # kept with its "created" transition (e.g. the file and row)


class BulkInvalid(DomainError):
    """Some drafts of a bulk publication are invalid; nothing was written.
    `errors` maps a draft's index to its messages."""

    def __init__(self, errors: dict[int, list[str]]):
        super().__init__(_("%(n)d listings are invalid; nothing was published.") % {"n": len(errors)})
        self.errors = errors


def listing_error_messages(side: Side, exc: Exception) -> list[str]:
    """Readable messages, each prefixed with the field's name, from what listing_build raises."""
    if not isinstance(exc, ValidationError):
        return [str(exc)]
    model = side.model
    out = []
    for name, messages in validation_messages(exc).items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:
            label = ""
        out += [f"{label}: {m}" if label else m for m in messages]
    return out


def listings_publish_bulk(*, actor: User, drafts: list[ListingDraft], batch: Batch | None = None,
                          comment: str = "") -> list[ListingBase]:
    """Create and publish many listings for their organisations at once, as an officer.

    Every draft is validated by `listing_build`, as `listing_create` validates one listing, and
    every problem is collected: then BulkInvalid is raised and nothing is written. Otherwise all
    are written in one transaction with `bulk_create`, each with its two recorded transitions by
    the officer: created (straight into "submitted": the officer's file is the submission) and
    published (by the publish rule, submitted → published, with `comment`). In `batch`, a draft
    keeps its own number when it is free; the others get the next free numbers in order. The
    batch row is locked, so two imports into one list cannot take the same numbers. Members of
    the owning organisations are notified; the matching engine hears once, after commit.
    """
    if not user_is_officer(user=actor):
        raise NotAllowed(_WHO_MESSAGES["officer"])
    rule = RULES[Action.PUBLISH]
    if any(d.organization.pk is None for d in drafts):
        raise DomainError(_("Save new organisations before their listings."))
    errors: dict[int, list[str]] = {}
    built: list[ListingBase | None] = []  # None where a draft is invalid: keeps indices aligned
    for i, draft in enumerate(drafts):
        try:
            built.append(listing_build(side=draft.side, organization=draft.organization, data=draft.data,
                                       actor=actor, status=S.SUBMITTED, bulk=True))
        except (ValidationError, DomainError) as exc:
            errors[i] = listing_error_messages(draft.side, exc)
            built.append(None)
    with transaction.atomic():
        if batch is not None:
            batch = Batch.objects.select_for_update().get(pk=batch.pk)
            _bulk_numbers(drafts, built, batch, errors)
        if errors:
            raise BulkInvalid(errors)
        now = timezone.now()
        valid = [b for b in built if b is not None]
        for listing in valid:
            listing.status = rule.target
            listing.submitted_at = listing.published_at = now
            listing.batch = batch
        created: list[ListingBase] = []
        for side in dict.fromkeys(d.side for d in drafts):
            model = side.model
            mine = [(d, obj) for d, obj in zip(drafts, valid, strict=True) if d.side is side]
            objs = model.objects.bulk_create([obj for _d, obj in mine], batch_size=500)
            transition = model._meta.get_field("transitions").related_model
            history = []
            for (draft, _obj), obj in zip(mine, objs, strict=True):
                history.append(transition(listing=obj, actor=actor, action=Action.CREATE, from_status="",
                                          to_status=S.SUBMITTED, comment=draft.comment[:COMMENT_MAX]))
                history.append(transition(listing=obj, actor=actor, action=Action.PUBLISH,
                                          from_status=S.SUBMITTED, to_status=rule.target,
                                          comment=comment[:COMMENT_MAX]))
            transition.objects.bulk_create(history, batch_size=1000)
            created += objs
        _bulk_notify(created, actor=actor, comment=comment)
        matching_hooks.listings_published(
            actor=actor, listings={k: [o.pk for o in created if o.SIDE is k] for k in dict.fromkeys(
                o.SIDE for o in created)})
    return created


def _bulk_numbers(drafts: list[ListingDraft], built: list[ListingBase | None], batch: Batch,
                  errors: dict[int, list[str]]) -> None:
    for side in dict.fromkeys(d.side for d in drafts):
        used = set(side.model.objects.filter(batch=batch).exclude(number=None)
                   .values_list("number", flat=True))
        mine = [i for i, d in enumerate(drafts) if d.side is side]
        for i in mine:
            n = drafts[i].number
            if n is None:
                continue
            if n in used:
                errors.setdefault(i, []).append(
                    str(_("Number %(n)d is already taken in the list “%(batch)s”.") % {"n": n, "batch": batch.name}))
            used.add(n)
        top = max(used, default=0)
        for i in mine:
            listing = built[i]
            if listing is None:
                continue
            if drafts[i].number is None:
                top += 1
                listing.number = top
            else:
                listing.number = drafts[i].number


def _bulk_notify(listings: list[ListingBase], *, actor: User, comment: str) -> None:
    from accounts.models import Membership

    from . import notifications

    org_ids = {o.organization_id for o in listings}
    with_members = set(Membership.objects.filter(organization_id__in=org_ids, status=Membership.Status.ACTIVE)
                       .values_list("organization_id", flat=True))
    for listing in listings:
        if listing.organization_id in with_members:
            notifications.listing_transitioned(listing=listing, action=Action.PUBLISH, actor=actor, comment=comment)
