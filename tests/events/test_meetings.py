"""The meeting workflow: every state transition, every refusal, the notifications; locks,
attendance and ratings (the match moves to "in talks" where both sides say so)."""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification
from core.errors import DomainError, InvalidTransition, NotAllowed, NotFound
from events.models import Meeting, MeetingRating, MeetingState, Slot
from events.services import meetings as svc
from events.services.participation import participant_update
from matching.models import Match, MatchEvent, MatchStatus
from tests.factories import make_event, register

pytestmark = pytest.mark.django_db
St = MeetingState


def notes(user):
    return Notification.objects.filter(user=user).count()


@pytest.fixture
def request_(fair):
    return svc.meeting_request(actor=fair.hospital_user, event=fair.event, scenario_id=fair.needs[0].pk,
                               capability_id=fair.caps[0].pk, reason="想了解院内部署")


def test_request_is_pending_and_tells_the_other_side(fair):
    before = notes(fair.vendor_user), notes(fair.hospital_user)
    m = svc.meeting_request(actor=fair.hospital_user, event=fair.event, scenario_id=fair.needs[0].pk,
                            capability_id=fair.caps[0].pk, reason="想了解院内部署")
    assert (m.state, m.origin, m.requested_by, m.reason) == (St.PENDING, Meeting.Origin.REQUEST, fair.hospital, "想了解院内部署")
    assert (notes(fair.vendor_user), notes(fair.hospital_user)) == (before[0] + 1, before[1])
    assert list(m.transitions.values_list("from_state", "to_state", "actor")) == [("", St.PENDING, fair.hospital_user.pk)]


def test_a_request_to_a_listing_not_in_the_event_is_refused_by_name(fair, english):
    from core.side import CAPABILITY
    from scenarios.models import ListingStatus
    from tests.factories import make_listing

    outside = make_listing(side=CAPABILITY, org=fair.vendor, author=fair.vendor_user, status=ListingStatus.PUBLISHED,
                           officer=fair.officer, title="未邀请的能力")
    with pytest.raises(DomainError) as exc:
        svc.meeting_request(actor=fair.hospital_user, event=fair.event, scenario_id=fair.needs[0].pk,
                            capability_id=outside.pk)
    assert str(exc.value) == f"{outside.reference} 未邀请的能力 is not in this event."
    assert not Meeting.objects.filter(event=fair.event).exists()


def test_requests_need_both_sides_registered_and_one_of_them_the_requester(fair, english):
    with pytest.raises(InvalidTransition) as exc:
        svc.meeting_request(actor=fair.vendor_user, event=fair.event, scenario_id=fair.other_need.pk,
                            capability_id=fair.caps[0].pk)
    assert str(exc.value) == "深圳市人民医院 has not registered for this event."
    with pytest.raises(NotAllowed):
        svc.meeting_request(actor=fair.other_vendor_user, event=fair.event, scenario_id=fair.needs[0].pk,
                            capability_id=fair.caps[0].pk)
    assert not Meeting.objects.filter(event=fair.event).exists()


def test_the_same_pair_is_not_requested_twice_while_active(fair, request_, english):
    with pytest.raises(InvalidTransition) as exc:
        svc.meeting_request(actor=fair.vendor_user, event=fair.event, scenario_id=fair.needs[0].pk,
                            capability_id=fair.caps[0].pk)
    assert "already requested or planned" in str(exc.value)
    assert Meeting.objects.filter(event=fair.event).count() == 1


def test_accept_by_the_side_that_was_asked(fair, request_):
    with pytest.raises(NotAllowed):
        svc.meeting_accept(actor=fair.hospital_user, meeting_id=request_.pk)
    with pytest.raises(NotAllowed):
        svc.meeting_accept(actor=fair.officer, meeting_id=request_.pk)
    with pytest.raises(NotFound):
        svc.meeting_accept(actor=fair.other_vendor_user, meeting_id=request_.pk)
    before = notes(fair.hospital_user)
    m = svc.meeting_accept(actor=fair.vendor_user, meeting_id=request_.pk)
    assert m.state == St.ACCEPTED and notes(fair.hospital_user) == before + 1
    with pytest.raises(InvalidTransition):
        svc.meeting_accept(actor=fair.vendor_user, meeting_id=request_.pk)


def test_decline_by_the_side_that_was_asked_and_the_pair_may_be_asked_again(fair, request_):
    with pytest.raises(NotAllowed):
        svc.meeting_decline(actor=fair.hospital_user, meeting_id=request_.pk)
    before = notes(fair.hospital_user)
    m = svc.meeting_decline(actor=fair.vendor_user, meeting_id=request_.pk, reason="方向不符")
    assert m.state == St.DECLINED and notes(fair.hospital_user) == before + 1
    assert m.transitions.last().reason == "方向不符"
    with pytest.raises(InvalidTransition):
        svc.meeting_decline(actor=fair.vendor_user, meeting_id=request_.pk)
    again = svc.meeting_request(actor=fair.hospital_user, event=fair.event, scenario_id=fair.needs[0].pk,
                                capability_id=fair.caps[0].pk)
    assert again.state == St.PENDING


def test_the_requester_withdraws_a_pending_request_the_other_side_declines_it(fair, request_):
    with pytest.raises(NotAllowed):
        svc.meeting_cancel(actor=fair.vendor_user, meeting_id=request_.pk)
    before = notes(fair.vendor_user)
    m = svc.meeting_cancel(actor=fair.hospital_user, meeting_id=request_.pk)
    assert m.state == St.CANCELLED and notes(fair.vendor_user) == before + 1
    with pytest.raises(InvalidTransition):
        svc.meeting_cancel(actor=fair.hospital_user, meeting_id=request_.pk)


def test_an_accepted_meeting_is_cancelled_by_either_side_or_an_officer_and_leaves_its_place(fair):
    for actor in (fair.hospital_user, fair.vendor_user, fair.officer):
        m = svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[0].pk,
                            capability_id=fair.caps[0].pk)
        slot = Slot.objects.filter(event=fair.event).first()
        svc.meeting_lock(actor=fair.officer, meeting_id=m.pk, slot_id=slot.pk, table=2)
        before = notes(fair.hospital_user), notes(fair.vendor_user)
        m = svc.meeting_cancel(actor=actor, meeting_id=m.pk, reason="行程变更")
        assert (m.state, m.slot, m.table, m.locked) == (St.CANCELLED, None, None, False)
        told = (notes(fair.hospital_user) - before[0], notes(fair.vendor_user) - before[1])
        assert told == {fair.hospital_user: (0, 1), fair.vendor_user: (1, 0), fair.officer: (1, 1)}[actor]


def test_an_officer_adds_an_accepted_meeting_and_both_sides_hear(fair):
    before = notes(fair.hospital_user), notes(fair.vendor_user)
    m = svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[1].pk,
                        capability_id=fair.caps[1].pk, reason="会前沟通过")
    assert (m.state, m.origin, m.requested_by) == (St.ACCEPTED, Meeting.Origin.OFFICER, None)
    assert (notes(fair.hospital_user), notes(fair.vendor_user)) == (before[0] + 1, before[1] + 1)
    with pytest.raises(NotAllowed):
        svc.meeting_add(actor=fair.hospital_user, event=fair.event, scenario_id=fair.needs[0].pk,
                        capability_id=fair.caps[0].pk)


# --- locks --------------------------------------------------------------------------------------

def _accepted(fair, need, cap):
    return svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=need.pk, capability_id=cap.pk)


def test_locking_refuses_a_clash_with_another_lock_by_name(fair, english):
    slot = Slot.objects.filter(event=fair.event).order_by("start").first()
    a = _accepted(fair, fair.needs[0], fair.caps[0])
    b = _accepted(fair, fair.needs[1], fair.other_cap)
    svc.meeting_lock(actor=fair.officer, meeting_id=a.pk, slot_id=slot.pk, table=3)
    with pytest.raises(DomainError) as exc:
        svc.meeting_lock(actor=fair.officer, meeting_id=b.pk, slot_id=slot.pk, table=3)
    text = str(exc.value)
    assert f"{fair.needs[1].reference}" in text and "is locked to table 3 at 14:00" in text
    assert f"{fair.needs[0].reference} {fair.needs[0].title}" in text  # the lock it clashes with
    with pytest.raises(DomainError) as exc:  # the hospital has one representative: two places at once
        svc.meeting_lock(actor=fair.officer, meeting_id=b.pk, slot_id=slot.pk, table=4)
    assert "with all its representatives" in str(exc.value)
    b.refresh_from_db()
    assert (b.slot, b.table, b.locked) == (None, None, False)


def test_locking_refuses_a_table_that_does_not_exist_a_side_away_and_an_unaccepted_meeting(fair, english):
    slots = list(Slot.objects.filter(event=fair.event).order_by("start"))
    a = _accepted(fair, fair.needs[0], fair.caps[0])
    with pytest.raises(DomainError) as exc:
        svc.meeting_lock(actor=fair.officer, meeting_id=a.pk, slot_id=slots[0].pk, table=11)
    assert str(exc.value) == "Table 11 does not exist: the event has 10 tables."
    participant_update(actor=fair.vendor_user, event=fair.event, organization_id=fair.vendor.pk,
                       representatives=[{"name": "李经理"}], windows=[(slots[1].start, slots[2].end)])
    with pytest.raises(DomainError) as exc:
        svc.meeting_lock(actor=fair.officer, meeting_id=a.pk, slot_id=slots[0].pk, table=1)
    assert "when 华影智能科技有限公司 is not available" in str(exc.value)
    pending = svc.meeting_request(actor=fair.hospital_user, event=fair.event, scenario_id=fair.needs[1].pk,
                                  capability_id=fair.caps[1].pk)
    with pytest.raises(InvalidTransition):
        svc.meeting_lock(actor=fair.officer, meeting_id=pending.pk, slot_id=slots[1].pk, table=1)
    with pytest.raises(NotAllowed):
        svc.meeting_lock(actor=fair.hospital_user, meeting_id=a.pk, slot_id=slots[1].pk, table=1)


def test_a_lock_unseats_the_unlocked_meeting_in_its_way(fair):
    slot = Slot.objects.filter(event=fair.event).order_by("start").first()
    a = _accepted(fair, fair.needs[0], fair.caps[0])
    b = _accepted(fair, fair.needs[1], fair.other_cap)
    svc.meeting_lock(actor=fair.officer, meeting_id=b.pk, slot_id=slot.pk, table=5)
    svc.meeting_unlock(actor=fair.officer, meeting_id=b.pk)  # it keeps its place, unlocked
    svc.meeting_lock(actor=fair.officer, meeting_id=a.pk, slot_id=slot.pk, table=5)
    b.refresh_from_db()
    assert (b.slot, b.table) == (None, None)
    svc.meeting_unlock(actor=fair.officer, meeting_id=a.pk)
    assert not Meeting.objects.get(pk=a.pk).locked
    with pytest.raises(InvalidTransition):
        svc.meeting_unlock(actor=fair.officer, meeting_id=a.pk)


# --- the day: attendance and ratings --------------------------------------------------------------

@pytest.fixture
def yesterday(fair):
    """An event held yesterday, the hospital and the vendor registered, one accepted meeting at 14:00."""
    from events.services.events import event_invite

    event = make_event(officer=fair.officer, day=timezone.localdate() - dt.timedelta(days=1))
    event_invite(actor=fair.officer, event=event, scenario_ids=[fair.needs[0].pk], capability_ids=[fair.caps[0].pk])
    register(event, fair.hospital, fair.hospital_user)
    register(event, fair.vendor, fair.vendor_user)
    m = svc.meeting_add(actor=fair.officer, event=event, scenario_id=fair.needs[0].pk, capability_id=fair.caps[0].pk)
    svc.meeting_lock(actor=fair.officer, meeting_id=m.pk, slot_id=Slot.objects.filter(event=event).first().pk, table=1)
    return m


def test_attendance_is_recorded_by_officers_on_scheduled_meetings(fair, yesterday):
    m = svc.meeting_mark_attendance(actor=fair.officer, meeting_id=yesterday.pk, attendance=Meeting.Attendance.HELD)
    assert m.attendance == Meeting.Attendance.HELD
    with pytest.raises(DomainError):
        svc.meeting_mark_attendance(actor=fair.officer, meeting_id=yesterday.pk, attendance="late")
    with pytest.raises(NotAllowed):
        svc.meeting_mark_attendance(actor=fair.hospital_user, meeting_id=yesterday.pk, attendance="held")
    unplaced = svc.meeting_request(actor=fair.hospital_user, event=fair.event, scenario_id=fair.needs[0].pk,
                                   capability_id=fair.caps[0].pk)
    with pytest.raises(InvalidTransition):
        svc.meeting_mark_attendance(actor=fair.officer, meeting_id=unplaced.pk, attendance="held")


def test_both_sides_wanting_to_continue_moves_the_match_to_in_talks(fair, yesterday):
    match = Match.objects.get(scenario=fair.needs[0], capability=fair.caps[0])
    assert match.status in (MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED)
    svc.meeting_rate(actor=fair.hospital_user, meeting_id=yesterday.pk, useful=True, continue_talks=True)
    assert Match.objects.get(pk=match.pk).status == match.status  # one side is not enough
    svc.meeting_rate(actor=fair.vendor_user, meeting_id=yesterday.pk, useful=True, continue_talks=True, comment="下月演示")
    match.refresh_from_db()
    assert match.status == MatchStatus.IN_TALKS
    event = MatchEvent.objects.filter(match=match).last()
    assert (event.to_status, event.actor) == (MatchStatus.IN_TALKS, fair.vendor_user)
    assert "continue talking" in event.reason or "继续洽谈" in event.reason


def test_a_side_that_does_not_want_to_continue_keeps_the_match_where_it_was(fair, yesterday):
    match = Match.objects.get(scenario=fair.needs[0], capability=fair.caps[0])
    svc.meeting_rate(actor=fair.hospital_user, meeting_id=yesterday.pk, useful=True, continue_talks=True)
    svc.meeting_rate(actor=fair.vendor_user, meeting_id=yesterday.pk, useful=False, continue_talks=False)
    assert Match.objects.get(pk=match.pk).status == match.status
    assert MeetingRating.objects.filter(meeting=yesterday).count() == 2


def test_ratings_are_refused_twice_before_the_meeting_from_an_absent_side_and_from_officers(fair, yesterday):
    svc.meeting_rate(actor=fair.hospital_user, meeting_id=yesterday.pk, useful=True, continue_talks=False)
    with pytest.raises(InvalidTransition):
        svc.meeting_rate(actor=fair.hospital_user, meeting_id=yesterday.pk, useful=True, continue_talks=True)
    with pytest.raises(NotAllowed):
        svc.meeting_rate(actor=fair.officer, meeting_id=yesterday.pk, useful=True, continue_talks=True)
    svc.meeting_mark_attendance(actor=fair.officer, meeting_id=yesterday.pk, attendance=Meeting.Attendance.CAPABILITY_ABSENT)
    with pytest.raises(InvalidTransition):
        svc.meeting_rate(actor=fair.vendor_user, meeting_id=yesterday.pk, useful=True, continue_talks=True)
    tomorrow = svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[0].pk,
                               capability_id=fair.caps[0].pk)
    svc.meeting_lock(actor=fair.officer, meeting_id=tomorrow.pk,
                     slot_id=Slot.objects.filter(event=fair.event).first().pk, table=1)
    with pytest.raises(InvalidTransition):
        svc.meeting_rate(actor=fair.hospital_user, meeting_id=tomorrow.pk, useful=True, continue_talks=True)
    assert MeetingRating.objects.count() == 1
