"""The event added to the API tests' world (tests/api/world.py), through the real services.

Held yesterday (so that meetings can be rated), one meetings session 14:00–15:00 (three slots),
five tables, at most two meetings per organisation. Invited: two published needs of the
hospital, two published capabilities of the vendor (both registered), a published need of the
other hospital (invited only); the other vendor is not invited (the event does not exist for it).
Meetings: a pending request of the hospital (suggested match's pair), an accepted one (the
shortlisted match's pair); scheduled once. An introduction round proposed for the world's list.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.side import CAPABILITY, SCENARIO
from events.models import Event, IntroductionRound, Meeting, MeetingState, Participant
from events.services.events import event_create, event_invite, session_add
from events.services.meetings import meeting_accept, meeting_request
from events.services.rounds import round_propose
from events.services.scheduling import schedule_start
from matching.models import MatchStatus
from scenarios.models import ListingStatus
from tests.factories import register


@dataclass
class EventWorld:
    event: Event
    meetings: dict[str, Meeting]     # "pending", "accepted"
    free_pair: tuple[int, int]       # a pair of invited listings with no meeting yet
    uninvited_capability: int        # the other vendor's published capability
    round: IntroductionRound
    hospital_token: str              # the hospital's check-in token


def build_event_world(*, orgs, users, listings, matches, batch, every) -> EventWorld:
    officer = users["officer"]
    day = timezone.localdate() - dt.timedelta(days=1)
    event = event_create(actor=officer, name="矩阵对接会", date=day, venue="矩阵会场", venue_tables=8, tables=5,
                         spare_share=0.0, meeting_minutes=20, max_meetings=2, min_per_need=1)
    at = lambda h, m: timezone.make_aware(dt.datetime.combine(day, dt.time(h, m)))  # noqa: E731
    session_add(actor=officer, event=event, start=at(14, 0), end=at(15, 0), name="洽谈")
    need, cap = listings[(SCENARIO, ListingStatus.PUBLISHED)], listings[(CAPABILITY, ListingStatus.PUBLISHED)]
    short = matches[MatchStatus.SHORTLISTED]
    other_need = next(o for o in every if o.SIDE is SCENARIO and o.organization_id == orgs["other_hospital"].pk
                      and o.status == ListingStatus.PUBLISHED)
    other_cap = next(o for o in every if o.SIDE is CAPABILITY and o.organization_id == orgs["other_vendor"].pk
                     and o.status == ListingStatus.PUBLISHED)
    event_invite(actor=officer, event=event, scenario_ids=[need.pk, short.scenario_id, other_need.pk],
                 capability_ids=[cap.pk, short.capability_id])
    register(event, orgs["hospital"], users["hospital"])
    register(event, orgs["vendor"], users["vendor"])
    pending = meeting_request(actor=users["hospital"], event=event, scenario_id=need.pk, capability_id=cap.pk,
                              reason="矩阵请求")
    accepted = meeting_request(actor=users["vendor"], event=event, scenario_id=short.scenario_id,
                               capability_id=short.capability_id, reason="矩阵已接受")
    meeting_accept(actor=users["hospital"], meeting_id=accepted.pk)
    schedule_start(actor=officer, event=event)
    rnd = round_propose(actor=officer, batch_id=batch.pk, per_need=1, per_capability=1)
    meetings = {"pending": Meeting.objects.get(pk=pending.pk), "accepted": Meeting.objects.get(pk=accepted.pk)}
    token = Participant.objects.get(event=event, organization=orgs["hospital"]).checkin_token
    return EventWorld(event=event, meetings=meetings, free_pair=(need.pk, short.capability_id),
                      uninvited_capability=other_cap.pk, round=rnd, hospital_token=token)


def event_fingerprint() -> list:
    """What a refused write must leave as it was."""
    from events.models import EventListing, IntroductionRoundPair, MeetingRating, ScheduleJob, Session

    return [list(Event.objects.order_by("pk").values_list("pk", "name", "status")),
            list(Session.objects.order_by("pk").values_list("pk", "start", "end")),
            EventListing.objects.count(), list(EventListing.objects.order_by("pk").values_list("pk", "roadshow_order")),
            list(Participant.objects.order_by("pk").values_list("pk", "status", "checked_in_at")),
            list(Meeting.objects.order_by("pk").values_list("pk", "state", "slot_id", "table", "locked", "attendance")),
            MeetingRating.objects.count(), ScheduleJob.objects.count(), IntroductionRound.objects.count(),
            IntroductionRoundPair.objects.count()]


__all__ = ["EventWorld", "MeetingState", "build_event_world", "event_fingerprint"]
