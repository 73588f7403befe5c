"""Schedule all and re-scheduling as jobs: what is stored, what is reported, what is refused."""
import pytest

from accounts.models import Notification
from core.errors import DomainError, InvalidTransition, NotAllowed
from events import engine
from events.models import ACTIVE, Meeting, MeetingState, ScheduleJob, Slot
from events.presenters import report_view
from events.services import meetings as svc
from events.services.participation import participant_update
from events.services.scheduling import load, schedule_run, schedule_start

pytestmark = pytest.mark.django_db
St = MeetingState


def run(fair, capture, mode="all"):
    with capture(execute=True):
        job = schedule_start(actor=fair.officer, event=fair.event, mode=mode)
    job.refresh_from_db()
    assert job.status == ScheduleJob.Status.DONE, job.error
    return job


def placed(fair):
    return {m.pair: (m.slot_id, m.table) for m in Meeting.objects.filter(event=fair.event, state__in=ACTIVE,
                                                                            slot__isnull=False)}


def test_schedule_all_places_accepted_meetings_and_fills_the_tables_with_proposals(fair, django_capture_on_commit_callbacks):
    accepted = svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[0].pk,
                               capability_id=fair.caps[0].pk)
    job = run(fair, django_capture_on_commit_callbacks)
    accepted.refresh_from_db()
    assert accepted.slot and accepted.table and accepted.need_rep and accepted.capability_rep
    proposals = Meeting.objects.filter(event=fair.event, state=St.PROPOSED, origin=Meeting.Origin.SCHEDULER)
    assert proposals.exists() and all(m.slot_id and m.table for m in proposals)
    # the stored schedule keeps every constraint of the event
    problem = load(fair.event).problem
    stored = [engine.Placement(need=m.scenario_id, capability=m.capability_id, slot=m.slot_id, table=m.table,
                               need_rep=m.need_rep_id, capability_rep=m.capability_rep_id)
              for m in Meeting.objects.filter(event=fair.event, state__in=ACTIVE, slot__isnull=False)]
    assert engine.violations(problem, stored) == []
    report = job.report
    assert report["metrics"]["needs_covered"] == report["metrics"]["needs"] == 2  # the registered needs
    assert report["metrics"]["affinity"] >= report["greedy"]["affinity"] * 0.99 or \
        report["metrics"]["needs_covered"] > report["greedy"]["needs_covered"]
    assert job.progress == 100 and report["status"] in ("OPTIMAL", "FEASIBLE")


def test_participants_hear_about_their_agenda_and_the_officer_about_the_result(fair, django_capture_on_commit_callbacks):
    before = {u: Notification.objects.filter(user=u).count() for u in (fair.hospital_user, fair.officer)}
    run(fair, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=fair.hospital_user).count() == before[fair.hospital_user] + 1
    assert Notification.objects.filter(user=fair.officer).count() == before[fair.officer] + 1


def test_running_a_finished_job_again_changes_nothing(fair, django_capture_on_commit_callbacks):
    job = run(fair, django_capture_on_commit_callbacks)
    before = placed(fair), Meeting.objects.count()
    schedule_run(job_id=job.pk)
    assert (placed(fair), Meeting.objects.count()) == before


def test_declined_pairs_are_never_proposed_again_and_earlier_proposals_go_when_not_kept(fair, django_capture_on_commit_callbacks):
    run(fair, django_capture_on_commit_callbacks)
    proposal = Meeting.objects.filter(event=fair.event, state=St.PROPOSED).first()
    side = fair.hospital_user if proposal.scenario.organization_id == fair.hospital.pk else fair.other_vendor_user
    svc.meeting_decline(actor=side, meeting_id=proposal.pk, reason="不需要")
    run(fair, django_capture_on_commit_callbacks)
    assert not Meeting.objects.filter(event=fair.event, state__in=ACTIVE, scenario=proposal.scenario,
                                      capability=proposal.capability).exists()
    assert Meeting.objects.get(pk=proposal.pk).state == St.DECLINED


def test_reschedule_after_a_cancellation_moves_no_other_meeting(fair, django_capture_on_commit_callbacks):
    run(fair, django_capture_on_commit_callbacks)
    before = placed(fair)
    gone = Meeting.objects.filter(event=fair.event, state=St.PROPOSED).first()
    svc.meeting_cancel(actor=fair.officer, meeting_id=gone.pk)
    job = run(fair, django_capture_on_commit_callbacks, mode=ScheduleJob.Mode.KEEP)
    after = placed(fair)
    assert all(after[p] == place for p, place in before.items() if p != gone.pair)
    assert job.report["moved"] == []


def test_reschedule_moves_the_meeting_of_a_side_that_is_no_longer_there(fair, django_capture_on_commit_callbacks):
    m = svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[0].pk, capability_id=fair.caps[0].pk)
    run(fair, django_capture_on_commit_callbacks)
    m.refresh_from_db()
    slots = list(Slot.objects.filter(event=fair.event).order_by("start"))
    rest = [s for s in slots if s.pk != m.slot_id]
    participant_update(actor=fair.vendor_user, event=fair.event, organization_id=fair.vendor.pk,
                       representatives=[{"name": "王主任"}], windows=[(s.start, s.end) for s in rest])
    job = run(fair, django_capture_on_commit_callbacks, mode=ScheduleJob.Mode.KEEP)
    moved = Meeting.objects.get(pk=m.pk)
    assert moved.slot_id in {s.pk for s in rest}
    assert [fair.needs[0].pk, fair.caps[0].pk] in job.report["moved"]


def test_locked_meetings_stay_where_they_are(fair, django_capture_on_commit_callbacks):
    m = svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[1].pk, capability_id=fair.caps[1].pk)
    last = Slot.objects.filter(event=fair.event).order_by("-start").first()
    svc.meeting_lock(actor=fair.officer, meeting_id=m.pk, slot_id=last.pk, table=7)
    run(fair, django_capture_on_commit_callbacks)
    m.refresh_from_db()
    assert (m.slot_id, m.table, m.locked) == (last.pk, 7, True)


def test_locks_that_cannot_all_hold_are_refused_before_anything_is_queued(fair, english):
    m = svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[0].pk, capability_id=fair.caps[0].pk)
    first = Slot.objects.filter(event=fair.event).order_by("start").first()
    svc.meeting_lock(actor=fair.officer, meeting_id=m.pk, slot_id=first.pk, table=1)
    rest = list(Slot.objects.filter(event=fair.event).exclude(pk=first.pk).order_by("start"))
    participant_update(actor=fair.vendor_user, event=fair.event, organization_id=fair.vendor.pk,
                       representatives=[{"name": "王主任"}], windows=[(rest[0].start, rest[-1].end)])
    with pytest.raises(DomainError) as exc:
        schedule_start(actor=fair.officer, event=fair.event)
    text = str(exc.value)
    assert "The locked meetings cannot all be kept" in text
    assert f"{fair.needs[0].reference}" in text and "is locked at 14:00, when 华影智能科技有限公司 is not available" in text
    assert not ScheduleJob.objects.filter(event=fair.event).exists()


def test_the_report_says_why_an_accepted_meeting_could_not_be_placed(fair, django_capture_on_commit_callbacks, english):
    slots = list(Slot.objects.filter(event=fair.event).order_by("start"))
    participant_update(actor=fair.vendor_user, event=fair.event, organization_id=fair.vendor.pk,
                       representatives=[{"name": "王主任"}], windows=[(slots[0].start, slots[0].end)])
    participant_update(actor=fair.hospital_user, event=fair.event, organization_id=fair.hospital.pk,
                       representatives=[{"name": "陈主任"}], windows=[(slots[2].start, slots[2].end)])
    svc.meeting_add(actor=fair.officer, event=fair.event, scenario_id=fair.needs[0].pk, capability_id=fair.caps[0].pk)
    job = run(fair, django_capture_on_commit_callbacks)
    assert [i["code"] for i in job.report["unplaced"]] == ["no_common_slot"]
    text = report_view(job)["unplaced_text"][0]
    assert fair.needs[0].title in text and "never available at the same time" in text


def test_scheduling_is_refused_to_members_without_sessions_or_registrations(fair):
    from events.services.events import event_create

    with pytest.raises(NotAllowed):
        schedule_start(actor=fair.hospital_user, event=fair.event)
    empty = event_create(actor=fair.officer, name="空会", date=fair.event.date, venue="会场", venue_tables=5, tables=5)
    with pytest.raises(InvalidTransition):
        schedule_start(actor=fair.officer, event=empty)
    with pytest.raises(DomainError):
        schedule_start(actor=fair.officer, event=fair.event, mode="sometimes")


def test_a_second_start_while_a_job_is_queued_returns_that_job(fair):
    first = schedule_start(actor=fair.officer, event=fair.event)  # not run: its task waits for the commit
    assert schedule_start(actor=fair.officer, event=fair.event).pk == first.pk
    assert ScheduleJob.objects.filter(event=fair.event).count() == 1
