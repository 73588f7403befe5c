"""A real `celery worker` process runs "schedule all": the job reports its progress on its row
and ends done, the accepted meeting placed, the tables filled with proposals."""

import pytest

from core.side import CAPABILITY, SCENARIO
from events.models import Meeting, MeetingState, ScheduleJob
from events.services.events import event_invite
from events.services.meetings import meeting_add
from events.services.scheduling import schedule_start
from matching.models import Match
from scenarios.models import ListingStatus
from tests.factories import make_event, make_listing, register
from tests.worker import LOGS, running_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]



def test_a_worker_runs_the_schedule_job_to_done(via_redis, hospital, hospital_user, vendor, vendor_user, officer):
    with running_worker(embedder="hashing", log_dir=LOGS, extra_env={"EVENTS_SCHEDULE_SECONDS": "10",
                                                                      "EVENTS_SOLVER_WORKERS": "1"}):
        needs = [make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.PUBLISHED,
                              officer=officer, title=f"肺结节筛查需求{i}") for i in range(2)]
        caps = [make_listing(side=CAPABILITY, org=vendor, author=vendor_user, status=ListingStatus.PUBLISHED,
                             officer=officer, title=f"肺结节检测软件{i}") for i in range(2)]
        wait_until(lambda: Match.objects.count() == 4, timeout=60, what="the worker's rankings")
        event = make_event(officer=officer)
        event_invite(actor=officer, event=event, scenario_ids=[n.pk for n in needs],
                     capability_ids=[c.pk for c in caps])
        register(event, hospital, hospital_user)
        register(event, vendor, vendor_user)
        accepted = meeting_add(actor=officer, event=event, scenario_id=needs[0].pk, capability_id=caps[0].pk)
        job = schedule_start(actor=officer, event=event)
        wait_until(lambda: ScheduleJob.objects.get(pk=job.pk).status in ("done", "failed"), timeout=90,
                   what="the schedule job finished by the worker")
    job.refresh_from_db()
    assert job.status == ScheduleJob.Status.DONE and job.progress == 100, job.error
    assert job.started_at and job.finished_at and job.report["metrics"]["meetings"] == 3
    accepted.refresh_from_db()
    assert accepted.slot_id and accepted.table
    # one representative on each side, three slots: three meetings, one per slot
    placed = Meeting.objects.filter(event=event, slot__isnull=False)
    assert placed.filter(state=MeetingState.PROPOSED).count() == 2
    assert len({m.slot_id for m in placed}) == 3
