"""Reads of the events app, each filtered to what the actor may see (events.permissions)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.selectors import Actor, user_is_officer, user_organization_ids
from core.side import CAPABILITY, SCENARIO, Side
from matching.models import Match, MatchStatus
from matching.presenters import Explanation, explanation_for

from .models import ACTIVE, Event, EventListing, Meeting, MeetingRating, MeetingState, Participant, Session, Slot


def event_list(*, actor: Actor) -> QuerySet[Event]:
    """Officers: every event; members: the events that invited one of their organisations."""
    if user_is_officer(user=actor):
        return Event.objects.all()
    orgs = user_organization_ids(user=actor)
    if not orgs:
        return Event.objects.none()
    return Event.objects.filter(participants__organization_id__in=orgs).distinct()


def event_sessions(*, event: Event) -> list[Session]:
    return list(event.sessions.order_by("start", "id"))


def event_slots(*, event: Event) -> list[Slot]:
    return list(Slot.objects.filter(event=event).order_by("start", "id"))


def event_participants(*, event: Event) -> list[Participant]:
    """Officers' view of who takes part (representatives, availability, check-in)."""
    return list(event.participants.select_related("organization").prefetch_related("representatives", "windows"))


def event_listing_rows(*, event: Event, registered_only: bool = False) -> list[EventListing]:
    qs = event.listings.select_related("scenario__field", "capability__field", "organization")
    if registered_only:
        qs = qs.filter(organization_id__in=event.participants.filter(status=Participant.Status.REGISTERED)
                       .values("organization_id"))
    return list(qs)


def _meetings(event: Event) -> QuerySet[Meeting]:
    return (Meeting.objects.filter(event=event)
            .select_related("scenario__organization", "capability__organization", "slot", "need_rep",
                            "capability_rep", "requested_by"))


def meeting_list(*, actor: Actor, event: Event, active_only: bool = False) -> QuerySet[Meeting]:
    """Officers: every meeting of the event; members: their organisations' meetings only."""
    qs = _meetings(event)
    if active_only:
        qs = qs.filter(state__in=ACTIVE)
    if user_is_officer(user=actor):
        return qs
    orgs = user_organization_ids(user=actor)
    return qs.filter(Q(scenario__organization_id__in=orgs) | Q(capability__organization_id__in=orgs))


@dataclass
class Suggestion:
    match: Match
    ex: Explanation
    other: object
    meeting: Meeting | None


@dataclass
class ListingSuggestions:
    listing: object
    side: Side
    rows: list[Suggestion] = field(default_factory=list)


def suggestions_for(*, event: Event, participant: Participant, limit: int = 10) -> list[ListingSuggestions]:
    """For each invited listing of a registered participant: the listings of the other side of the
    other registered participants, by the stored match score, with the explanation and any
    meeting already between them. Only the participant's own listings' candidates are shown."""
    if participant.status != Participant.Status.REGISTERED:
        return []
    rows = event_listing_rows(event=event, registered_only=True)
    mine = [r for r in rows if r.organization_id == participant.organization_id]
    others = {(r.side, r.listing.pk) for r in rows if r.organization_id != participant.organization_id}
    meetings = {m.pair: m for m in _meetings(event).filter(state__in=ACTIVE)}
    out = []
    for r in mine:
        side = r.side
        own = r.listing
        other_ids = [pk for s, pk in others if s is side.other]
        qs = (Match.objects.filter(**{side.fk_id: own.pk, f"{side.other.fk}_id__in": other_ids})
              .exclude(status=MatchStatus.REJECTED)
              .select_related("scenario__organization", "scenario__field", "capability__organization",
                              "capability__field").order_by("-score", "id")[:limit])
        block = ListingSuggestions(listing=own, side=side)
        for m in qs:
            other = getattr(m, side.other.fk)
            block.rows.append(Suggestion(match=m, ex=explanation_for(m, side=side), other=other,
                                         meeting=meetings.get((m.scenario_id, m.capability_id))))
        out.append(block)
    return out


@dataclass
class AgendaItem:
    meeting: Meeting
    side: Side               # the participant's side in this meeting
    own: object              # its listing
    other: object            # the other side's listing
    own_rep: object
    other_rep: object
    rating: MeetingRating | None
    can_rate: bool


def agenda(*, event: Event, participant: Participant) -> list[AgendaItem]:
    """The participant's scheduled meetings (proposed, pending or accepted), in time order."""
    org = participant.organization_id
    qs = (_meetings(event).filter(state__in=ACTIVE, slot__isnull=False)
          .filter(Q(scenario__organization_id=org) | Q(capability__organization_id=org)).order_by("slot__start", "table"))
    ratings = {r.meeting_id: r for r in MeetingRating.objects.filter(meeting__event=event, organization_id=org)}
    now = timezone.now()
    items = []
    for m in qs:
        side = SCENARIO if m.scenario.organization_id == org else CAPABILITY
        rating = ratings.get(m.pk)
        items.append(AgendaItem(
            meeting=m, side=side, own=getattr(m, side.fk), other=getattr(m, side.other.fk),
            own_rep=m.need_rep if side.is_need else m.capability_rep,
            other_rep=m.capability_rep if side.is_need else m.need_rep, rating=rating,
            can_rate=rating is None and m.state in (MeetingState.ACCEPTED, MeetingState.PROPOSED)
            and m.slot.start <= now))
    return items


def table_plan(*, event: Event) -> tuple[list[Slot], list[int], dict[tuple[int, int], Meeting]]:
    """Slots × tables of the meetings sessions, and the meeting at each place."""
    slots = list(Slot.objects.filter(event=event, session__kind=Session.Kind.MEETINGS).order_by("start", "id"))
    at = {(m.slot_id, m.table): m for m in _meetings(event).filter(state__in=ACTIVE, slot__isnull=False)}
    return slots, list(range(1, event.tables + 1)), at


def roadshow_lineup(*, event: Event) -> list[EventListing]:
    return list(event.listings.filter(roadshow_order__isnull=False)
                .select_related("scenario__field", "capability__field", "organization").order_by("roadshow_order"))


def meeting_counts(*, event: Event) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for state in Meeting.objects.filter(event=event).values_list("state", flat=True):
        counts[state] += 1
    counts["scheduled"] = Meeting.objects.filter(event=event, state__in=ACTIVE, slot__isnull=False).count()
    return dict(counts)
