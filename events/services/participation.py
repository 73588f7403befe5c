"""An invited organisation registers its representatives and its availability, changes them,
or declines."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import user_is_member
from core.errors import DomainError, InvalidTransition, NotAllowed

from .. import notifications
from ..models import ACTIVE, Availability, Event, Meeting, MeetingState, Participant, Representative, Session
from .common import lock_event, require_open, require_sane_date

MAX_REPRESENTATIVES = 20


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def clean_representatives(reps: Sequence[dict]) -> list[Representative]:
    """Unsaved representatives, validated: one at least, each named, no name twice."""
    out, names = [], set()
    for rep in reps:
        name = (rep.get("name") or "").strip()
        position = (rep.get("position") or "").strip()
        if not name:
            continue
        if name in names:
            raise DomainError(_("%(name)s is listed twice among the representatives.") % {"name": name})
        names.add(name)
        obj = Representative(name=name, position=position)
        try:
            obj.full_clean(exclude=["participant"])
        except ValidationError as exc:
            raise DomainError(next(iter(exc.messages)), fields={"representatives": exc.messages}) from exc
        out.append(obj)
    if not out:
        raise DomainError(_("Name at least one representative."), fields={"representatives": [_("This field is required.")]})
    if len(out) > MAX_REPRESENTATIVES:
        raise DomainError(_("At most %(n)d representatives.") % {"n": MAX_REPRESENTATIVES})
    return out


def clean_windows(event: Event, windows: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Availability windows, each inside one meetings session, merged where they touch."""
    sessions = list(event.sessions.filter(kind=Session.Kind.MEETINGS))
    if not sessions:
        raise InvalidTransition(_("The event has no meetings session yet; registration opens when it has one."))
    cleaned = []
    for start, end in windows:
        require_sane_date(start, field="windows")
        require_sane_date(end, field="windows")
        if timezone.is_naive(start) or timezone.is_naive(end):
            start, end = timezone.make_aware(start), timezone.make_aware(end)
        if end <= start:
            raise DomainError(_("The time %(start)s–%(end)s ends before it starts.")
                              % {"start": _local(start), "end": _local(end)}, fields={"windows": [_("Invalid time.")]})
        if not any(s.start <= start and end <= s.end for s in sessions):
            raise DomainError(_("%(start)s–%(end)s is outside the event's meeting sessions (%(sessions)s).")
                              % {"start": _local(start), "end": _local(end),
                                 "sessions": ", ".join(str(s) for s in sessions)},
                              fields={"windows": [_("Outside the sessions.")]})
        cleaned.append((start, end))
    if not cleaned:
        raise DomainError(_("Say when your representatives are available."), fields={"windows": [_("This field is required.")]})
    cleaned.sort()
    merged = [cleaned[0]]
    for start, end in cleaned[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _participant(actor: User, event: Event, organization_id: int) -> Participant:
    if not user_is_member(user=actor, organization_id=organization_id):
        raise NotAllowed(_("Only members of the organisation can answer its invitation."))
    participant = (Participant.objects.select_for_update(of=("self",)).select_related("organization")
                   .filter(event=event, organization_id=organization_id).first())
    if participant is None:
        raise NotAllowed(_("Your organisation is not invited to this event."))
    return participant


def _store(participant: Participant, reps: list[Representative], windows: list[tuple[datetime, datetime]]) -> None:
    # meetings keep their representative where the same name is still registered
    old = {r.name: r for r in participant.representatives.all()}
    keep = {r.name for r in reps} & set(old)
    participant.representatives.exclude(name__in=keep).delete()
    for rep in reps:
        if rep.name in old:
            o = old[rep.name]
            if o.position != rep.position:
                o.position = rep.position
                o.save(update_fields=["position"])
        else:
            rep.participant = participant
            rep.save()
    participant.windows.all().delete()
    Availability.objects.bulk_create([Availability(participant=participant, start=s, end=e) for s, e in windows])


@transaction.atomic
def participant_register(*, actor: User, event: Event, organization_id: int, representatives: Sequence[dict],
                         windows: Sequence[tuple[datetime, datetime]]) -> Participant:
    """Register an invited (or earlier declined) organisation. Registering twice is refused:
    change the registration with participant_update."""
    event = lock_event(event)
    require_open(event)
    participant = _participant(actor, event, organization_id)
    if participant.status == Participant.Status.REGISTERED:
        raise InvalidTransition(_("%(org)s is already registered for this event; change the registration instead.")
                                % {"org": participant.organization.name})
    reps = clean_representatives(representatives)
    cleaned = clean_windows(event, windows)
    _store(participant, reps, cleaned)
    participant.status = Participant.Status.REGISTERED
    participant.registered_at = timezone.now()
    participant.decline_reason = ""
    participant.save(update_fields=["status", "registered_at", "decline_reason"])
    return participant


@transaction.atomic
def participant_update(*, actor: User, event: Event, organization_id: int, representatives: Sequence[dict],
                       windows: Sequence[tuple[datetime, datetime]]) -> Participant:
    """Change a registration. Scheduled meetings outside the new availability keep their place
    until the officer re-schedules (which then moves as few meetings as possible)."""
    event = lock_event(event)
    require_open(event)
    participant = _participant(actor, event, organization_id)
    if participant.status != Participant.Status.REGISTERED:
        raise InvalidTransition(_("Register first."))
    _store(participant, clean_representatives(representatives), clean_windows(event, windows))
    return participant


@transaction.atomic
def participant_decline(*, actor: User, event: Event, organization_id: int, reason: str = "") -> Participant:
    """Decline the invitation (also after registering): the organisation's meetings are cancelled
    and the other sides told."""
    from .meetings import set_state

    event = lock_event(event)
    require_open(event)
    participant = _participant(actor, event, organization_id)
    if participant.status == Participant.Status.DECLINED:
        raise InvalidTransition(_("Your organisation has already declined."))
    reason = (reason or "").strip()[:500]
    participant.status = Participant.Status.DECLINED
    participant.decline_reason = reason
    participant.full_clean()
    participant.save(update_fields=["status", "decline_reason"])
    org_id = participant.organization_id
    for meeting in (Meeting.objects.select_for_update(of=("self",)).select_related("scenario__organization", "capability__organization", "event")
                    .filter(event=event, state__in=ACTIVE)):
        if org_id in (meeting.scenario.organization_id, meeting.capability.organization_id):
            set_state(meeting, actor=actor, to=MeetingState.CANCELLED, reason=reason)
            notifications.meeting_changed(meeting=meeting, actor_org=participant.organization)
    return participant
