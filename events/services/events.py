"""Creating an event, its sessions (cut into slots) and its invitations."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from core.errors import DomainError, InvalidTransition, NotFound
from core.side import CAPABILITY, SCENARIO, Side
from scenarios.models import Batch, Field, ListingStatus

from .. import notifications
from ..models import ACTIVE, Event, EventListing, Meeting, Participant, Session, Slot
from .common import listing_ref, lock_event, require_officer, require_open, require_sane_date

EVENT_FIELDS = ("name", "date", "venue", "venue_tables", "tables", "spare_share", "meeting_minutes", "max_meetings",
                "min_per_need", "roadshow_size")


def _messages(exc: ValidationError) -> DomainError:
    """A model's ValidationError as the domain error interfaces show (first message, all fields)."""
    fields = ({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
              if hasattr(exc, "error_dict") else {})
    first = next((m for ms in fields.values() for m in ms), None) or str(exc.messages[0])
    return DomainError(first, fields=fields)


def event_create(*, actor: User, name: str, date: date, venue: str, venue_tables: int, tables: int,
                 spare_share: float = 0.1, meeting_minutes: int = 20, max_meetings: int | None = None,
                 min_per_need: int = 1, roadshow_size: int = 3) -> Event:
    """Officers create an event; its sessions and invitations follow."""
    require_officer(actor)
    require_sane_date(date, field="date")
    event = Event(name=(name or "").strip(), date=date, venue=(venue or "").strip(), venue_tables=venue_tables,
                  tables=tables, spare_share=spare_share, meeting_minutes=meeting_minutes, max_meetings=max_meetings,
                  min_per_need=min_per_need, roadshow_size=roadshow_size, created_by=actor)
    try:
        event.full_clean()
    except ValidationError as exc:
        raise _messages(exc) from exc
    with transaction.atomic():
        event.save()
    return event


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


@transaction.atomic
def session_add(*, actor: User, event: Event, start: datetime, end: datetime, kind: str = Session.Kind.MEETINGS,
                name: str = "") -> Session:
    """Add a session on the event's day; a meetings session is cut into slots of the meeting length.
    Refused: a session that ends before it starts, one on another day, one overlapping a session
    of the same kind, a meetings session shorter than one meeting."""
    require_officer(actor)
    event = lock_event(event)
    require_open(event)
    if kind not in Session.Kind.values:
        raise DomainError(_("Unknown kind of session."), fields={"kind": [_("Unknown kind of session.")]})
    require_sane_date(start, field="start")
    require_sane_date(end, field="end")
    if timezone.is_naive(start) or timezone.is_naive(end):
        start, end = timezone.make_aware(start), timezone.make_aware(end)
    if end <= start:
        raise DomainError(_("The session ends before it starts."), fields={"end": [_("The session ends before it starts.")]})
    if _local_date(start) != event.date or _local_date(end - timedelta(microseconds=1)) != event.date:
        raise DomainError(_("A session must be on the day of the event (%(date)s).") % {"date": event.date.isoformat()})
    clash = event.sessions.filter(kind=kind, start__lt=end, end__gt=start).first()
    if clash:
        raise DomainError(_("The session overlaps the session %(other)s.") % {"other": str(clash)})
    length = timedelta(minutes=event.meeting_minutes)
    n = int((end - start) / length) if kind == Session.Kind.MEETINGS else 0
    if kind == Session.Kind.MEETINGS and n == 0:
        raise DomainError(_("The session is shorter than one meeting (%(n)d minutes).") % {"n": event.meeting_minutes})
    session = Session(event=event, kind=kind, name=(name or "").strip(), start=start, end=end)
    try:
        session.full_clean()
    except ValidationError as exc:
        raise _messages(exc) from exc
    session.save()
    Slot.objects.bulk_create([Slot(event=event, session=session, index=i, start=start + i * length,
                                   end=start + (i + 1) * length) for i in range(n)])
    return session


@transaction.atomic
def session_remove(*, actor: User, session_id: int) -> None:
    """Remove a session that holds no scheduled meeting (its slots go with it)."""
    require_officer(actor)
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No such session."))
    lock_event(session.event_id)
    if Meeting.objects.filter(slot__session=session, state__in=ACTIVE).exists():
        raise InvalidTransition(_("Meetings are scheduled in this session; cancel them or schedule again first."))
    session.delete()


def _published(side: Side):
    return side.model.objects.filter(status=ListingStatus.PUBLISHED).select_related("organization")


@transaction.atomic
def event_invite(*, actor: User, event: Event, batch_id: int | None = None, field_code: str = "",
                 scenario_ids: list[int] | tuple[int, ...] = (), capability_ids: list[int] | tuple[int, ...] = ()
                 ) -> dict[str, int]:
    """Invite published listings: a whole list, a field (both sides), or chosen ones. The
    owning organisations become participants (invited) and are told. Chosen listings that do
    not exist or are not published are refused by name, and nothing is invited."""
    require_officer(actor)
    event = lock_event(event)
    require_open(event)
    chosen: list = []
    if batch_id:
        batch = Batch.objects.filter(pk=batch_id).first()
        if batch is None:
            raise NotFound(_("No such list."))
        for side in (SCENARIO, CAPABILITY):
            chosen += list(_published(side).filter(batch=batch))
    if field_code:
        f = Field.objects.filter(code=field_code).first()
        if f is None:
            raise DomainError(_("Unknown field."), fields={"field": [_("Unknown field.")]})
        for side in (SCENARIO, CAPABILITY):
            chosen += list(_published(side).filter(field=f))
    for side, ids in ((SCENARIO, scenario_ids), (CAPABILITY, capability_ids)):
        ids = list(dict.fromkeys(int(i) for i in ids))
        found = {o.pk: o for o in side.model.objects.filter(pk__in=ids).select_related("organization")}
        for pk in ids:
            obj = found.get(pk)
            if obj is None:
                raise DomainError(_("There is no listing %(ref)s.") % {"ref": f"{side.letter}{pk:05d}"})
            if obj.status != ListingStatus.PUBLISHED:
                raise DomainError(_("%(ref)s is not published; only published listings can be invited.")
                                  % {"ref": listing_ref(obj)})
            chosen.append(obj)
    if not chosen:
        raise DomainError(_("Choose a list, a field or listings to invite; this selection holds no published listing."))
    have = {(row.scenario_id, row.capability_id) for row in event.listings.all()}
    new_rows, seen = [], set()
    for obj in chosen:
        key = (obj.pk, None) if obj.SIDE.is_need else (None, obj.pk)
        if key in have or key in seen:
            continue
        seen.add(key)
        new_rows.append(EventListing(event=event, organization=obj.organization, invited_by=actor,
                                     **{obj.SIDE.fk: obj}))
    EventListing.objects.bulk_create(new_rows)
    known = set(event.participants.values_list("organization_id", flat=True))
    new_orgs: dict[int, Organization] = {}
    for row in new_rows:
        if row.organization_id not in known:
            new_orgs.setdefault(row.organization_id, row.organization)
    Participant.objects.bulk_create([Participant(event=event, organization=o) for o in new_orgs.values()])
    if new_orgs:
        notifications.invited(event=event, organizations=new_orgs.values())
    return {"listings": len(new_rows), "organizations": len(new_orgs)}


@transaction.atomic
def event_close(*, actor: User, event: Event) -> Event:
    """After the day: no more registrations or requests; ratings stay open."""
    require_officer(actor)
    event = lock_event(event)
    require_open(event)
    event.status = Event.Status.CLOSED
    event.save(update_fields=["status"])
    return event
