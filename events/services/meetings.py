"""The meeting workflow.

    (request) ──▶ pending ──accept──▶ accepted ──cancel──▶ cancelled
                     └──decline──▶ declined
    (scheduler) ──▶ proposed ──accept──▶ accepted;  proposed ──decline──▶ declined
    (officer adds) ──▶ accepted

A request goes from one registered participant's listing to a listing of another registered
participant of the same event; the other side accepts or declines; the requester may withdraw
(cancel) a pending request; either side or an officer cancels a planned meeting. Every change
locks the meeting, checks actor and source state, writes a MeetingTransition and tells the other
side (events.notifications). Officers lock an accepted meeting to a (slot, table), mark
attendance, and the sides rate a meeting after it took place.
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.selectors import user_is_member, user_is_officer, user_organization_ids
from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound

from .. import notifications
from ..models import (
    ACTIVE,
    Event,
    EventListing,
    Meeting,
    MeetingRating,
    MeetingState,
    MeetingTransition,
    Participant,
    Slot,
)
from .common import listing_ref, lock_event, require_officer, require_open

St = MeetingState
REASON_MAX = 500


def set_state(meeting: Meeting, *, actor: User | None, to: str, reason: str = "") -> None:
    """Change the state and record it; a meeting that stops being active leaves its slot."""
    from_state = meeting.state
    meeting.state = to
    fields = ["state", "updated_at"]
    if to not in ACTIVE:
        meeting.slot, meeting.table, meeting.locked = None, None, False
        meeting.need_rep = meeting.capability_rep = None
        fields += ["slot", "table", "locked", "need_rep", "capability_rep"]
    meeting.save(update_fields=fields)
    MeetingTransition.objects.create(meeting=meeting, actor=actor, from_state=from_state, to_state=to,
                                     reason=(reason or "")[:REASON_MAX])


def _lock(meeting_id: int) -> Meeting:
    meeting = (Meeting.objects.select_for_update().filter(pk=meeting_id).order_by("pk").first())
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return (Meeting.objects.select_related("event", "scenario__organization", "capability__organization", "slot",
                                           "requested_by").get(pk=meeting.pk))


def _acting_side(actor: User, meeting: Meeting) -> Organization | None:
    """The organisation the actor acts for in this meeting; None for an officer outside it;
    NotFound for anyone else (a meeting is visible to its two sides and officers only)."""
    for org in (meeting.scenario.organization, meeting.capability.organization):
        if user_is_member(user=actor, organization_id=org.pk):
            return org
    if user_is_officer(user=actor):
        return None
    raise NotFound(_("No such meeting."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(_("The reason is longer than %(n)d characters.") % {"n": REASON_MAX})
    return reason


def _pair(event: Event, scenario_id: int, capability_id: int) -> tuple:
    """The two invited listings and their registered participants; refused by name otherwise."""
    from scenarios.models import Scenario
    from suppliers.models import Capability

    need_row = (EventListing.objects.select_related("scenario__organization")
                .filter(event=event, scenario_id=scenario_id).first())
    cap_row = (EventListing.objects.select_related("capability__organization")
               .filter(event=event, capability_id=capability_id).first())
    for row, model, pk in ((need_row, Scenario, scenario_id), (cap_row, Capability, capability_id)):
        if row is None:
            other = model.objects.filter(pk=pk).first()
            name = listing_ref(other) if other else f"{model.SIDE.letter}{int(pk):05d}"
            raise DomainError(_("%(ref)s is not in this event.") % {"ref": name})
    need, cap = need_row.scenario, cap_row.capability
    if need.organization_id == cap.organization_id:
        raise DomainError(_("Both listings belong to %(org)s: a meeting is between two organisations.")
                          % {"org": need.organization.name})
    registered = set(Participant.objects.filter(event=event, status=Participant.Status.REGISTERED,
                                                organization_id__in=[need.organization_id, cap.organization_id])
                     .values_list("organization_id", flat=True))
    for obj in (need, cap):
        if obj.organization_id not in registered:
            raise InvalidTransition(_("%(org)s has not registered for this event.") % {"org": obj.organization.name})
    return need, cap


def _no_active(event: Event, need, cap) -> None:
    if Meeting.objects.filter(event=event, scenario=need, capability=cap, state__in=ACTIVE).exists():
        raise InvalidTransition(_("A meeting between these two listings is already requested or planned."))


@transaction.atomic
def meeting_request(*, actor: User, event: Event, scenario_id: int, capability_id: int, reason: str = "") -> Meeting:
    """A registered participant asks for a meeting between its listing and the other side's."""
    event = lock_event(event)
    require_open(event)
    reason = _reason(reason)
    need, cap = _pair(event, scenario_id, capability_id)
    orgs = user_organization_ids(user=actor)
    if need.organization_id in orgs:
        requester = need.organization
    elif cap.organization_id in orgs:
        requester = cap.organization
    else:
        raise NotAllowed(_("You can request meetings only for your organisation's listings."))
    _no_active(event, need, cap)
    meeting = Meeting.objects.create(event=event, scenario=need, capability=cap, state=St.PENDING,
                                     origin=Meeting.Origin.REQUEST, requested_by=requester, reason=reason)
    MeetingTransition.objects.create(meeting=meeting, actor=actor, to_state=St.PENDING, reason=reason)
    notifications.meeting_changed(meeting=meeting, actor_org=requester)
    return meeting


@transaction.atomic
def meeting_add(*, actor: User, event: Event, scenario_id: int, capability_id: int, reason: str = "") -> Meeting:
    """An officer adds a meeting between two registered participants: it is accepted at once."""
    require_officer(actor)
    event = lock_event(event)
    require_open(event)
    reason = _reason(reason)
    need, cap = _pair(event, scenario_id, capability_id)
    _no_active(event, need, cap)
    meeting = Meeting.objects.create(event=event, scenario=need, capability=cap, state=St.ACCEPTED,
                                     origin=Meeting.Origin.OFFICER, reason=reason)
    MeetingTransition.objects.create(meeting=meeting, actor=actor, to_state=St.ACCEPTED, reason=reason)
    notifications.meeting_changed(meeting=meeting, actor_org=None)
    return meeting


@transaction.atomic
def meeting_accept(*, actor: User, meeting_id: int) -> Meeting:
    """The side that was asked accepts a request; either side accepts a proposed meeting."""
    meeting = _lock(meeting_id)
    org = _acting_side(actor, meeting)
    if org is None:
        raise NotAllowed(_("Only the two sides of a meeting accept it."))
    if meeting.state not in (St.PENDING, St.PROPOSED):
        raise InvalidTransition(_("This meeting is %(state)s; only a pending or proposed one can be accepted.")
                                % {"state": meeting.get_state_display()})
    if meeting.state == St.PENDING and meeting.requested_by_id == org.pk:
        raise NotAllowed(_("Your organisation asked for this meeting; the other side accepts it."))
    set_state(meeting, actor=actor, to=St.ACCEPTED)
    notifications.meeting_changed(meeting=meeting, actor_org=org)
    return meeting


@transaction.atomic
def meeting_decline(*, actor: User, meeting_id: int, reason: str = "") -> Meeting:
    """The side that was asked declines a request; either side declines a proposed meeting."""
    meeting = _lock(meeting_id)
    org = _acting_side(actor, meeting)
    if org is None:
        raise NotAllowed(_("Only the two sides of a meeting decline it; officers cancel."))
    if meeting.state not in (St.PENDING, St.PROPOSED):
        raise InvalidTransition(_("This meeting is %(state)s; only a pending or proposed one can be declined.")
                                % {"state": meeting.get_state_display()})
    if meeting.state == St.PENDING and meeting.requested_by_id == org.pk:
        raise NotAllowed(_("Your organisation asked for this meeting; withdraw it by cancelling."))
    set_state(meeting, actor=actor, to=St.DECLINED, reason=_reason(reason))
    notifications.meeting_changed(meeting=meeting, actor_org=org)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting_id: int, reason: str = "") -> Meeting:
    """The requester withdraws a pending request; either side or an officer cancels a
    proposed or accepted meeting. Its slot is freed; re-scheduling fills it without moving others."""
    meeting = _lock(meeting_id)
    org = _acting_side(actor, meeting)
    if meeting.state not in ACTIVE:
        raise InvalidTransition(_("This meeting is already %(state)s.") % {"state": meeting.get_state_display()})
    if meeting.state == St.PENDING and org is not None and meeting.requested_by_id != org.pk:
        raise NotAllowed(_("Decline the request instead: your organisation was asked."))
    set_state(meeting, actor=actor, to=St.CANCELLED, reason=_reason(reason))
    notifications.meeting_changed(meeting=meeting, actor_org=org)
    return meeting


@transaction.atomic
def meeting_lock(*, actor: User, meeting_id: int, slot_id: int, table: int) -> Meeting:
    """Pin an accepted meeting to a slot and table; re-scheduling keeps it there. Refused where
    the lock cannot hold with the other locks (the message names them), where a side is not
    available, or the table does not exist. Unlocked meetings in its way lose their place and
    are placed again by the next re-scheduling."""
    from .scheduling import lock_conflict_message, unseat_around

    require_officer(actor)
    meeting = _lock(meeting_id)
    event = lock_event(meeting.event_id)
    if meeting.state != St.ACCEPTED:
        raise InvalidTransition(_("Only an accepted meeting can be locked."))
    slot = Slot.objects.filter(pk=slot_id, event=event).first()
    if slot is None:
        raise DomainError(_("No such slot in this event."), fields={"slot": [_("No such slot in this event.")]})
    if not 1 <= int(table) <= event.tables:
        raise DomainError(_("Table %(t)s does not exist: the event has %(n)d tables.") % {"t": table, "n": event.tables},
                          fields={"table": [_("No such table.")]})
    message = lock_conflict_message(event=event, meeting=meeting, slot=slot, table=int(table))
    if message:
        raise DomainError(message)
    meeting.slot, meeting.table, meeting.locked = slot, int(table), True
    unseat_around(meeting)
    meeting.save(update_fields=["slot", "table", "locked", "updated_at"])
    return meeting


@transaction.atomic
def meeting_unlock(*, actor: User, meeting_id: int) -> Meeting:
    require_officer(actor)
    meeting = _lock(meeting_id)
    if not meeting.locked:
        raise InvalidTransition(_("This meeting is not locked."))
    meeting.locked = False
    meeting.save(update_fields=["locked", "updated_at"])
    return meeting


@transaction.atomic
def meeting_mark_attendance(*, actor: User, meeting_id: int, attendance: str) -> Meeting:
    """Officers record on the day whether a scheduled meeting was held or who did not come."""
    require_officer(actor)
    meeting = _lock(meeting_id)
    if attendance not in Meeting.Attendance.values:
        raise DomainError(_("Unknown attendance."), fields={"attendance": [_("Unknown attendance.")]})
    if meeting.state not in ACTIVE or meeting.slot_id is None:
        raise InvalidTransition(_("Only a scheduled meeting has an attendance."))
    meeting.attendance = attendance
    meeting.save(update_fields=["attendance", "updated_at"])
    return meeting


def _continue_reason(meeting: Meeting) -> str:
    """Kept with the match's history, in the site's language (other people read it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Both sides want to continue talking after meeting at %(event)s.") % {"event": meeting.event.name}


def _absent(meeting: Meeting, org: Organization) -> bool:
    A = Meeting.Attendance
    if meeting.attendance == A.BOTH_ABSENT:
        return True
    if meeting.attendance == A.NEED_ABSENT:
        return org.pk == meeting.scenario.organization_id
    if meeting.attendance == A.CAPABILITY_ABSENT:
        return org.pk == meeting.capability.organization_id
    return False


@transaction.atomic
def meeting_rate(*, actor: User, meeting_id: int, useful: bool, continue_talks: bool, comment: str = "") -> MeetingRating:
    """One side rates a meeting that has taken place (its slot has begun; that side was there).
    When both sides want to continue talking, the match moves to "in talks"."""
    from matching.workflow import match_continue_talks

    meeting = _lock(meeting_id)
    org = _acting_side(actor, meeting)
    if org is None:
        raise NotAllowed(_("Only the two sides of a meeting rate it."))
    if meeting.state not in (St.ACCEPTED, St.PROPOSED) or meeting.slot is None:
        raise InvalidTransition(_("Only a scheduled meeting can be rated."))
    if meeting.slot.start > timezone.now():
        raise InvalidTransition(_("Rate the meeting after it has taken place."))
    if _absent(meeting, org):
        raise InvalidTransition(_("Your organisation is recorded as absent from this meeting."))
    if MeetingRating.objects.filter(meeting=meeting, organization=org).exists():
        raise InvalidTransition(_("Your organisation has already rated this meeting."))
    rating = MeetingRating(meeting=meeting, organization=org, user=actor, useful=bool(useful),
                           continue_talks=bool(continue_talks), comment=(comment or "").strip())
    rating.full_clean()
    rating.save()
    ratings = list(MeetingRating.objects.filter(meeting=meeting))
    sides = {meeting.scenario.organization_id, meeting.capability.organization_id}
    if {r.organization_id for r in ratings if r.continue_talks} >= sides:
        match_continue_talks(actor=actor, scenario_id=meeting.scenario_id, capability_id=meeting.capability_id,
                             reason=_continue_reason(meeting))
    return rating
