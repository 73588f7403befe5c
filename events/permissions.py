"""Who may see an event and its parts.

- An event: program officers, and members of the organisations it invited (any answer).
  For anyone else it does not exist (404).
- A participant's registration, agenda and QR code: officers and members of that organisation.
- A meeting: officers and members of its two sides.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.selectors import Actor, user_is_member, user_is_officer, user_organization_ids
from core.errors import NotFound
from matching.selectors import can_view_pair

from .models import Event, Meeting, Participant


def access_event(*, actor: Actor, event_id: int) -> Event:
    event = Event.objects.filter(pk=event_id).first()
    if event is None or not can_view_event(actor=actor, event=event):
        raise NotFound(_("No such event."))
    return event


def can_view_event(*, actor: Actor, event: Event) -> bool:
    if user_is_officer(user=actor):
        return True
    orgs = user_organization_ids(user=actor)
    return bool(orgs) and Participant.objects.filter(event=event, organization_id__in=orgs).exists()


def access_participant(*, actor: Actor, event: Event, organization_id: int) -> Participant:
    participant = (Participant.objects.select_related("organization")
                   .filter(event=event, organization_id=organization_id).first())
    if participant is None or not (user_is_officer(user=actor)
                                   or user_is_member(user=actor, organization_id=organization_id)):
        raise NotFound(_("No such participant."))
    return participant


def my_participants(*, actor: Actor, event: Event) -> list[Participant]:
    """The participants the actor acts for at this event (its organisations that were invited)."""
    orgs = user_organization_ids(user=actor)
    if not orgs:
        return []
    return list(Participant.objects.select_related("organization").filter(event=event, organization_id__in=orgs))


def access_meeting(*, actor: Actor, meeting_id: int) -> Meeting:
    meeting = (Meeting.objects.select_related("event", "scenario__organization", "capability__organization", "slot",
                                              "need_rep", "capability_rep", "requested_by")
               .filter(pk=meeting_id).first())
    if meeting is None or not can_view_meeting(actor=actor, meeting=meeting):
        raise NotFound(_("No such meeting."))
    return meeting


def can_view_meeting(*, actor: Actor, meeting: Meeting) -> bool:
    return can_view_pair(actor=actor, pair=meeting)
