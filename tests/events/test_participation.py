"""Registering representatives and availability, changing it, declining."""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification
from core.errors import DomainError, InvalidTransition, NotAllowed
from events.models import Availability, Meeting, MeetingState, Participant, Representative
from events.services.meetings import meeting_request
from events.services.participation import participant_decline, participant_register, participant_update
from tests.factories import UserFactory, member_of

pytestmark = pytest.mark.django_db
REPS = [{"name": "陈主任", "position": "信息科"}, {"name": "刘医生", "position": ""}]


def at(event, h, m=0):
    return timezone.make_aware(dt.datetime.combine(event.date, dt.time(h, m)))


def snapshot(event):
    return (list(Participant.objects.filter(event=event).order_by("pk").values_list("pk", "status")),
            list(Representative.objects.order_by("pk").values_list("pk", "name")),
            list(Availability.objects.order_by("pk").values_list("pk", "start", "end")))


def test_register_stores_representatives_and_merged_windows(fair):
    event = fair.event
    p = participant_register(actor=fair.other_hospital_user, event=event, organization_id=fair.other_hospital.pk,
                             representatives=REPS, windows=[(at(event, 14), at(event, 14, 30)),
                                                            (at(event, 14, 20), at(event, 14, 40))])
    assert p.status == Participant.Status.REGISTERED and p.registered_at
    assert [r.name for r in p.representatives.all()] == ["陈主任", "刘医生"]
    assert [(w.start, w.end) for w in p.windows.all()] == [(at(event, 14), at(event, 14, 40))]


def test_registering_twice_is_refused_and_changes_nothing(fair, english):
    event = fair.event
    before = snapshot(event)
    with pytest.raises(InvalidTransition) as exc:
        participant_register(actor=fair.hospital_user, event=event, organization_id=fair.hospital.pk,
                             representatives=REPS, windows=[(at(event, 14), at(event, 15))])
    assert str(exc.value) == ("广州市第一人民医院 is already registered for this event; change the registration "
                              "instead.")
    assert snapshot(event) == before


@pytest.mark.parametrize(("window", "message"), [
    (((13, 0), (14, 30)), "13:00–14:30 is outside the event's meeting sessions (14:00–15:00)."),
    (((10, 0), (10, 30)), "10:00–10:30 is outside the event's meeting sessions"),  # the roadshow is not a meetings session
    (((14, 40), (14, 20)), "The time 14:40–14:20 ends before it starts."),
])
def test_availability_outside_the_sessions_is_refused_and_changes_nothing(fair, english, window, message):
    event = fair.event
    before = snapshot(event)
    (h1, m1), (h2, m2) = window
    with pytest.raises(DomainError) as exc:
        participant_register(actor=fair.other_hospital_user, event=event, organization_id=fair.other_hospital.pk,
                             representatives=REPS, windows=[(at(event, h1, m1), at(event, h2, m2))])
    assert message in str(exc.value)
    assert snapshot(event) == before


@pytest.mark.parametrize(("reps", "windows", "message"), [
    ([], True, "Name at least one representative."),
    ([{"name": "陈主任"}, {"name": "陈主任"}], True, "陈主任 is listed twice among the representatives."),
    (REPS, False, "Say when your representatives are available."),
])
def test_registration_needs_representatives_and_availability(fair, english, reps, windows, message):
    event = fair.event
    before = snapshot(event)
    with pytest.raises(DomainError) as exc:
        participant_register(actor=fair.other_hospital_user, event=event, organization_id=fair.other_hospital.pk,
                             representatives=reps, windows=[(at(event, 14), at(event, 15))] if windows else [])
    assert str(exc.value) == message
    assert snapshot(event) == before


def test_only_members_of_an_invited_organisation_register_it(fair, english):
    event = fair.event
    with pytest.raises(NotAllowed):
        participant_register(actor=fair.vendor_user, event=event, organization_id=fair.other_hospital.pk,
                             representatives=REPS, windows=[(at(event, 14), at(event, 15))])
    from tests.factories import OrganizationFactory

    stranger = OrganizationFactory(name="未受邀机构")
    with pytest.raises(NotAllowed) as exc:
        participant_register(actor=member_of(stranger, user=UserFactory()), event=event, organization_id=stranger.pk,
                             representatives=REPS, windows=[(at(event, 14), at(event, 15))])
    assert str(exc.value) == "Your organisation is not invited to this event."


def test_update_changes_the_registration_and_keeps_a_representative_that_stays(fair):
    event = fair.event
    kept = Representative.objects.get(participant__event=event, participant__organization=fair.hospital)
    p = participant_update(actor=fair.hospital_user, event=event, organization_id=fair.hospital.pk,
                           representatives=[{"name": kept.name, "position": "新职务"}, {"name": "新代表"}],
                           windows=[(at(event, 14, 20), at(event, 15))])
    assert p.representatives.first().pk == kept.pk
    assert [r.position for r in p.representatives.all()] == ["新职务", ""]
    assert [(w.start, w.end) for w in p.windows.all()] == [(at(event, 14, 20), at(event, 15))]
    with pytest.raises(InvalidTransition):
        participant_update(actor=fair.other_hospital_user, event=event, organization_id=fair.other_hospital.pk,
                           representatives=REPS, windows=[(at(event, 14), at(event, 15))])


def test_decline_cancels_the_organisations_meetings_and_tells_the_other_side(fair):
    event = fair.event
    meeting = meeting_request(actor=fair.hospital_user, event=event, scenario_id=fair.needs[0].pk,
                              capability_id=fair.caps[0].pk)
    before = Notification.objects.filter(user=fair.hospital_user).count()
    p = participant_decline(actor=fair.vendor_user, event=event, organization_id=fair.vendor.pk, reason="档期冲突")
    assert p.status == Participant.Status.DECLINED and p.decline_reason == "档期冲突"
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED and meeting.transitions.last().reason == "档期冲突"
    assert Notification.objects.filter(user=fair.hospital_user).count() == before + 1
    with pytest.raises(InvalidTransition):
        participant_decline(actor=fair.vendor_user, event=event, organization_id=fair.vendor.pk)
    # a declined organisation may still register later
    participant_register(actor=fair.vendor_user, event=event, organization_id=fair.vendor.pk, representatives=REPS,
                         windows=[(at(event, 14), at(event, 15))])
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.CANCELLED
