"""Creating events and sessions, and inviting listings: every refusal changes nothing."""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.side import SCENARIO
from events.models import Event, EventListing, Participant, Session, Slot
from events.services.events import event_close, event_create, event_invite, session_add, session_remove
from scenarios.models import ListingStatus
from tests.factories import make_listing

pytestmark = pytest.mark.django_db
EVENT = {"name": "对接会", "date": dt.date(2025, 11, 20), "venue": "会场", "venue_tables": 20, "tables": 10}


def at(day, h, m=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(h, m)))


def test_event_create_refuses_more_tables_than_the_venue_holds(fair, english):
    with pytest.raises(DomainError) as exc:
        event_create(actor=fair.officer, **{**EVENT, "tables": 25})
    assert "The venue holds 20 tables; 25 is more than it allows." in str(exc.value)
    assert "tables" in exc.value.fields
    assert not Event.objects.filter(name="对接会").exists()


def test_event_create_is_for_officers_only(fair):
    with pytest.raises(NotAllowed):
        event_create(actor=fair.hospital_user, **EVENT)
    assert not Event.objects.filter(name="对接会").exists()


def test_event_create_refuses_a_spare_share_out_of_range_and_a_date_far_away(fair):
    with pytest.raises(DomainError):
        event_create(actor=fair.officer, **{**EVENT, "spare_share": 1.5})
    with pytest.raises(DomainError):
        event_create(actor=fair.officer, **{**EVENT, "date": dt.date(1900, 1, 1)})
    assert not Event.objects.filter(name="对接会").exists()


def test_session_add_cuts_a_meetings_session_into_slots_of_the_meeting_length(fair):
    event = event_create(actor=fair.officer, **{**EVENT, "meeting_minutes": 25})
    session = session_add(actor=fair.officer, event=event, start=at(event.date, 9), end=at(event.date, 10, 20))
    slots = list(Slot.objects.filter(session=session).order_by("index"))
    assert [timezone.localtime(s.start).strftime("%H:%M") for s in slots] == ["09:00", "09:25", "09:50"]
    assert slots[-1].end == at(event.date, 10, 15)  # the last five minutes hold no meeting
    assert all(s.end - s.start == dt.timedelta(minutes=25) for s in slots)
    roadshow = session_add(actor=fair.officer, event=event, start=at(event.date, 14), end=at(event.date, 15),
                           kind=Session.Kind.ROADSHOW)
    assert not roadshow.slots.exists()


def test_session_add_refuses_a_session_that_ends_before_it_starts(fair, english):
    event = event_create(actor=fair.officer, **EVENT)
    with pytest.raises(DomainError) as exc:
        session_add(actor=fair.officer, event=event, start=at(event.date, 15), end=at(event.date, 14))
    assert str(exc.value) == "The session ends before it starts."
    assert not event.sessions.exists() and not Slot.objects.filter(event=event).exists()


@pytest.mark.parametrize(("start", "end", "message"), [
    ((1, 9), (1, 10), "A session must be on the day of the event"),
    ((0, 9), (0, 9, 10), "The session is shorter than one meeting (20 minutes)."),
    ((0, 13, 30), (0, 14, 30), "The session overlaps the session"),
])
def test_session_add_refuses_another_day_a_short_session_and_an_overlap(fair, english, start, end, message):
    event = event_create(actor=fair.officer, **EVENT)
    session_add(actor=fair.officer, event=event, start=at(event.date, 14), end=at(event.date, 16))

    def moment(spec):
        return at(event.date + dt.timedelta(days=spec[0]), *spec[1:])

    with pytest.raises(DomainError) as exc:
        session_add(actor=fair.officer, event=event, start=moment(start), end=moment(end))
    assert message in str(exc.value)
    assert event.sessions.count() == 1


def test_session_remove_refuses_a_session_with_scheduled_meetings(fair, english):
    from events.services.meetings import meeting_add, meeting_lock

    event = fair.event
    meeting = meeting_add(actor=fair.officer, event=event, scenario_id=fair.needs[0].pk, capability_id=fair.caps[0].pk)
    slot = Slot.objects.filter(event=event).first()
    meeting_lock(actor=fair.officer, meeting_id=meeting.pk, slot_id=slot.pk, table=1)
    with pytest.raises(InvalidTransition):
        session_remove(actor=fair.officer, session_id=slot.session_id)
    assert Session.objects.filter(pk=slot.session_id).exists()


def test_event_invite_a_whole_list_makes_the_owners_participants_and_tells_them(fair):
    from scenarios.services import batch_create, listing_publish

    event = event_create(actor=fair.officer, **EVENT)
    batch = batch_create(actor=fair.officer, name="清单", published_on=dt.date(2025, 6, 30))
    listed = make_listing(side=SCENARIO, org=fair.other_hospital, author=fair.other_hospital_user,
                          status=ListingStatus.SUBMITTED)
    listing_publish(actor=fair.officer, listing=listed, batch=batch)
    before = Notification.objects.filter(user=fair.other_hospital_user).count()
    counts = event_invite(actor=fair.officer, event=event, batch_id=batch.pk)
    assert counts == {"listings": 1, "organizations": 1}
    assert Participant.objects.get(event=event).organization == fair.other_hospital
    assert Notification.objects.filter(user=fair.other_hospital_user).count() == before + 1
    # inviting again adds nothing and tells nobody twice
    assert event_invite(actor=fair.officer, event=event, batch_id=batch.pk) == {"listings": 0, "organizations": 0}
    assert Notification.objects.filter(user=fair.other_hospital_user).count() == before + 1


def test_event_invite_a_field_takes_its_published_listings_of_both_sides(fair):
    event = event_create(actor=fair.officer, **EVENT)
    field = fair.needs[0].field
    counts = event_invite(actor=fair.officer, event=event, field_code=field.code)
    expected = sum(1 for o in [*fair.needs, fair.other_need, *fair.caps, fair.other_cap] if o.field_id == field.pk)
    assert counts["listings"] == expected == EventListing.objects.filter(event=event).count()


def test_event_invite_refuses_an_unpublished_listing_by_name_and_invites_nothing(fair, english):
    event = event_create(actor=fair.officer, **EVENT)
    draft = make_listing(side=SCENARIO, org=fair.hospital, author=fair.hospital_user, title="草稿需求")
    with pytest.raises(DomainError) as exc:
        event_invite(actor=fair.officer, event=event, scenario_ids=[fair.needs[0].pk, draft.pk])
    assert f"{draft.reference} 草稿需求 is not published" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        event_invite(actor=fair.officer, event=event, capability_ids=[987654])
    assert "There is no listing C987654." in str(exc.value)
    with pytest.raises(DomainError):
        event_invite(actor=fair.officer, event=event)
    assert not EventListing.objects.filter(event=event).exists() and not Participant.objects.filter(event=event).exists()


def test_a_closed_event_takes_no_more_sessions_or_invitations(fair):
    event = event_create(actor=fair.officer, **EVENT)
    event_close(actor=fair.officer, event=event)
    with pytest.raises(InvalidTransition):
        session_add(actor=fair.officer, event=event, start=at(event.date, 9), end=at(event.date, 10))
    with pytest.raises(InvalidTransition):
        event_invite(actor=fair.officer, event=event, scenario_ids=[fair.needs[0].pk])
    with pytest.raises(InvalidTransition):
        event_close(actor=fair.officer, event=event)
