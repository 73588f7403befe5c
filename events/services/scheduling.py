"""From the event's rows to the engine's plain data and back: "schedule all", re-scheduling
after changes (moving as few meetings as possible), and the lock checks.

What the engine sees (events.engine.Problem):
- slots: every slot of the meetings sessions; tables, spare share, k (most meetings per
  organisation) and m (meetings each need should get) from the event;
- parties: the registered organisations, each representative available in the slots its
  organisation's windows cover;
- candidates: the pairs of invited listings of two registered organisations with a stored
  match (not rejected, at least EVENTS_SCORE_FLOOR), scored by the match's score, plus a bonus
  for interest (an expressed interest or a pending request; mutual when both sides); accepted
  meetings are candidates that must be placed, whatever their score; a pair with a declined or
  cancelled meeting is never proposed again;
- locks: the locked meetings.

The job runs in a Celery task (events.tasks.schedule_run): progress on the job row, the result
stored as meetings with (slot, table) in one transaction, the report (codes and parameters)
on the job.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from core.errors import DomainError, InvalidTransition
from matching.models import Match, MatchInterest, MatchStatus
from scenarios.models import ListingStatus

from .. import engine, notifications
from ..models import ACTIVE, Event, Meeting, MeetingState, MeetingTransition, Participant, ScheduleJob, Session, Slot
from .common import lock_event, require_officer, require_open

log = logging.getLogger(__name__)
St = MeetingState


@dataclass
class Loaded:
    """An event as the engine sees it, and what is needed to map the answer back."""

    problem: engine.Problem
    slots: dict[int, Slot]
    org_of_listing: dict[tuple[str, int], int]
    participants: dict[int, Participant]


def _registered(event: Event) -> dict[int, Participant]:
    return {p.organization_id: p for p in Participant.objects.filter(event=event, status=Participant.Status.REGISTERED)
            .select_related("organization").prefetch_related("representatives", "windows")}


def _parties(event: Event, slots: list[Slot], participants: dict[int, Participant]) -> list[engine.Party]:
    out = []
    for org_id, p in participants.items():
        windows = list(p.windows.all())
        available = frozenset(s.pk for s in slots if any(w.start <= s.start and s.end <= w.end for w in windows))
        reps = tuple(engine.Representative(id=r.pk, available=available) for r in p.representatives.all())
        out.append(engine.Party(id=org_id, representatives=reps))
    return out


def _engine_slots(slots: list[Slot]) -> tuple[engine.Slot, ...]:
    return tuple(engine.Slot(id=s.pk, session=s.session_id, start=s.start, end=s.end) for s in slots)


def _weights() -> engine.Weights:
    return engine.Weights(one_sided=settings.EVENTS_WEIGHT_ONE_SIDED, mutual=settings.EVENTS_WEIGHT_MUTUAL)


def meeting_slots(event: Event) -> list[Slot]:
    return list(Slot.objects.filter(event=event, session__kind=Session.Kind.MEETINGS).order_by("start", "id"))


def load(event: Event) -> Loaded:
    slots = meeting_slots(event)
    participants = _registered(event)
    listings = list(event.listings.filter(organization_id__in=list(participants)).select_related("scenario", "capability"))
    need_org = {r.scenario_id: r.organization_id for r in listings
                if r.scenario_id and r.scenario.status == ListingStatus.PUBLISHED}
    cap_org = {r.capability_id: r.organization_id for r in listings
               if r.capability_id and r.capability.status == ListingStatus.PUBLISHED}
    meetings = list(Meeting.objects.filter(event=event).select_related("slot"))
    active = {m.pair: m for m in meetings if m.state in ACTIVE}
    refused = {m.pair for m in meetings if m.state not in ACTIVE} - set(active)

    interest: dict[tuple[int, int], set[int]] = defaultdict(set)
    for m in active.values():
        if m.state == St.PENDING and m.requested_by_id:
            interest[m.pair].add(m.requested_by_id)
    scores: dict[tuple[int, int], float] = {}
    matches = (Match.objects.filter(scenario_id__in=list(need_org), capability_id__in=list(cap_org))
               .exclude(status=MatchStatus.REJECTED).values_list("pk", "scenario_id", "capability_id", "score"))
    match_pair = {}
    for pk, s, c, score in matches:
        scores[(s, c)] = score
        match_pair[pk] = (s, c)
    for match_id, org_id in MatchInterest.objects.filter(match_id__in=list(match_pair)).values_list(
            "match_id", "organization_id"):
        interest[match_pair[match_id]].add(org_id)

    candidates = []
    floor = settings.EVENTS_SCORE_FLOOR
    pairs = {p for p, sc in scores.items() if sc >= floor} | {p for p, m in active.items() if m.state == St.ACCEPTED}
    pairs |= {p for p, m in active.items() if m.state in (St.PENDING, St.PROPOSED)}
    for s, c in sorted(pairs):
        if (s, c) in refused or s not in need_org or c not in cap_org or need_org[s] == cap_org[c]:
            continue
        m = active.get((s, c))
        who = interest.get((s, c), set())
        level = (engine.Interest.MUTUAL if {need_org[s], cap_org[c]} <= who
                 else engine.Interest.ONE_SIDED if who else engine.Interest.NONE)
        candidates.append(engine.Candidate(need=s, capability=c, need_party=need_org[s], capability_party=cap_org[c],
                                           score=scores.get((s, c), 0.0), interest=level,
                                           accepted=m is not None and m.state == St.ACCEPTED))
    locks = tuple(engine.Lock(pair=m.pair, slot=m.slot_id, table=m.table) for m in active.values()
                  if m.locked and m.slot_id and m.table)
    problem = engine.Problem(
        slots=_engine_slots(slots), tables=event.tables, parties=tuple(_parties(event, slots, participants)),
        candidates=tuple(candidates), locks=locks, spare_share=event.spare_share, max_meetings=event.max_meetings,
        min_per_need=event.min_per_need, needs=frozenset(need_org), weights=_weights())
    org_of = {("s", k): v for k, v in need_org.items()} | {("c", k): v for k, v in cap_org.items()}
    return Loaded(problem=problem, slots={s.pk: s for s in slots}, org_of_listing=org_of, participants=participants)


def previous_placements(event: Event) -> list[engine.Placement]:
    return [engine.Placement(need=m.scenario_id, capability=m.capability_id, slot=m.slot_id, table=m.table,
                             need_rep=m.need_rep_id or 0, capability_rep=m.capability_rep_id or 0,
                             accepted=m.state == St.ACCEPTED, locked=m.locked)
            for m in Meeting.objects.filter(event=event, state__in=ACTIVE, slot__isnull=False, table__isnull=False)]


# --- locks ------------------------------------------------------------------------------------------

def _lock_problem(event: Event, locked: list[Meeting]) -> engine.Problem:
    """Just enough of the event to check a set of locks (engine.check_locks)."""
    slots = meeting_slots(event)
    participants = _registered(event)
    cands = tuple(engine.Candidate(need=m.scenario_id, capability=m.capability_id,
                                   need_party=m.scenario.organization_id, capability_party=m.capability.organization_id,
                                   score=0.0, accepted=True) for m in locked)
    return engine.Problem(slots=_engine_slots(slots), tables=event.tables,
                          parties=tuple(_parties(event, slots, participants)), candidates=cands,
                          locks=tuple(engine.Lock(pair=m.pair, slot=m.slot_id, table=m.table) for m in locked),
                          spare_share=event.spare_share, max_meetings=event.max_meetings)


def _locked(event: Event) -> list[Meeting]:
    return list(Meeting.objects.filter(event=event, state__in=ACTIVE, locked=True)
                .select_related("scenario__organization", "capability__organization", "slot").order_by("id"))


def lock_conflict_message(*, event: Event, meeting: Meeting, slot: Slot, table: int) -> str:
    """Why `meeting` cannot be locked at (slot, table) with the event's other locks, or ''."""
    from ..presenters import issue_text

    others = [m for m in _locked(event) if m.pk != meeting.pk]
    meeting.slot, meeting.slot_id, meeting.table = slot, slot.pk, table
    problem = _lock_problem(event, [*others, meeting])
    _kept, issues = engine.check_locks(problem)
    mine = [i for i in issues if i.pair == meeting.pair]
    return issue_text(mine[0], event=event) if mine else ""


def lock_conflicts(event: Event) -> list[engine.Issue]:
    _kept, issues = engine.check_locks(_lock_problem(event, _locked(event)))
    return issues


def unseat_around(meeting: Meeting) -> int:
    """Unlocked meetings that a newly locked one displaces lose their slot (the next re-schedule
    places them again): the one at its table, and those that would put a side in two places."""
    others = list(Meeting.objects.select_for_update(of=("self",)).filter(event_id=meeting.event_id, slot_id=meeting.slot_id,
                                                             state__in=ACTIVE, locked=False)
                  .exclude(pk=meeting.pk).select_related("scenario", "capability"))
    participants = _registered(meeting.event)
    capacity = {}
    for org_id, p in participants.items():
        reps = list(p.representatives.all())
        covered = any(w.start <= meeting.slot.start and meeting.slot.end <= w.end for w in p.windows.all())
        capacity[org_id] = len(reps) if covered else 0
    sides = {meeting.scenario.organization_id, meeting.capability.organization_id}
    load_of = {org: 1 for org in sides}
    out = []
    for m in others:
        parties = {m.scenario.organization_id, m.capability.organization_id}
        clash = m.table == meeting.table
        for org in parties & sides:
            load_of[org] += 1
            clash = clash or load_of[org] > capacity.get(org, 0)
        if clash:
            out.append(m.pk)
    return Meeting.objects.filter(pk__in=out).update(slot=None, table=None, need_rep=None, capability_rep=None)


# --- jobs ---------------------------------------------------------------------------------------------

def schedule_job_current(*, event: Event) -> ScheduleJob | None:
    return event.jobs.order_by("-created_at", "-id").first()


def schedule_start(*, actor: User, event: Event, mode: str = ScheduleJob.Mode.ALL) -> ScheduleJob:
    """Queue a run of the scheduler ("all": from scratch, locked meetings kept; "keep": revise
    the current schedule moving as few meetings as possible). Refused before anything is
    queued when the locks cannot all hold (the message names them); a job already queued or
    running is returned instead of a second."""
    from ..presenters import issue_text

    require_officer(actor)
    if mode not in ScheduleJob.Mode.values:
        raise DomainError(_("Unknown scheduling mode."), fields={"mode": [_("Unknown scheduling mode.")]})
    with transaction.atomic():
        event = lock_event(event)
        require_open(event)
        active = event.jobs.filter(status__in=[ScheduleJob.Status.QUEUED, ScheduleJob.Status.RUNNING]).first()
        if active:
            return active
        if not Slot.objects.filter(event=event).exists():
            raise InvalidTransition(_("Add a meetings session first: there is no time to schedule."))
        if not Participant.objects.filter(event=event, status=Participant.Status.REGISTERED).exists():
            raise InvalidTransition(_("No organisation has registered yet."))
        issues = lock_conflicts(event)
        if issues:
            raise DomainError(_("The locked meetings cannot all be kept: %(problems)s Unlock or move them, then "
                                "schedule again.") % {"problems": " ".join(issue_text(i, event=event) for i in issues)})
        job = ScheduleJob.objects.create(event=event, mode=mode, created_by=actor)
        from ..tasks import schedule_run as task

        task.delay_on_commit(job.pk)
    return job


def _progress(job: ScheduleJob, **fields) -> None:
    for k, v in fields.items():
        setattr(job, k, v)
    ScheduleJob.objects.filter(pk=job.pk).update(**fields)


def _metrics(m: engine.Metrics) -> dict:
    return {"meetings": m.meetings, "affinity": round(m.affinity, 4), "needs": m.needs, "needs_covered": m.needs_covered,
            "coverage": round(m.coverage, 4), "idle_minutes": round(m.idle_minutes, 2)}


def _issues(issues) -> list[dict]:
    return [{"code": i.code, "pair": list(i.pair) if i.pair else None, "need": i.need,
             "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in i.params.items()}} for i in issues]


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def schedule_run(*, job_id: int) -> ScheduleJob:
    """Run a queued job: solve, store, report. Running a finished job again does nothing."""
    job = ScheduleJob.objects.select_related("event", "created_by").get(pk=job_id)
    if job.status in (ScheduleJob.Status.DONE, ScheduleJob.Status.FAILED):
        return job
    _progress(job, status=ScheduleJob.Status.RUNNING, started_at=timezone.now(), progress=1, stage="loading")
    try:
        loaded = load(job.event)
        options = engine.SolverOptions(time_limit=settings.EVENTS_SCHEDULE_SECONDS,
                                       workers=settings.EVENTS_SOLVER_WORKERS)

        def progress(share: float, stage: str) -> None:
            _progress(job, progress=min(95, 5 + int(90 * share)), stage=stage[:20])

        greedy = engine.greedy_schedule(loaded.problem)
        if job.mode == ScheduleJob.Mode.KEEP:
            result = engine.reschedule(loaded.problem, previous_placements(job.event), options=options,
                                       progress=progress)
        else:
            result = engine.schedule(loaded.problem, options=options, progress=progress)
        _progress(job, progress=96, stage="storing")
        stored = _store(job, loaded, result)
        report = {
            "mode": job.mode, "status": result.status, "seconds": round(result.seconds, 2),
            "bound": round(result.bound, 4) if result.bound is not None else None,
            "metrics": _metrics(result.metrics), "greedy": _metrics(greedy.metrics),
            "stages": [{"name": s.name, "status": s.status, "seconds": round(s.seconds, 2)} for s in result.stages],
            "lock_conflicts": _issues(result.lock_conflicts), "unplaced": _issues(result.unplaced),
            "uncovered": _issues(result.uncovered), "moved": [list(p) for p in result.moved], **stored,
        }
        _progress(job, status=ScheduleJob.Status.DONE, progress=100, stage="done", finished_at=timezone.now(),
                  report=_jsonable(report))
        notifications.schedule_finished(event=job.event, user=job.created_by, failed=False)
    except Exception as exc:
        _progress(job, status=ScheduleJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        notifications.schedule_finished(event=job.event, user=job.created_by, failed=True)
        raise
    return job


@transaction.atomic
def _store(job: ScheduleJob, loaded: Loaded, result: engine.Schedule) -> dict:
    """Write the schedule: every active meeting gets its (slot, table) or loses its place,
    the scheduler's new proposals are created, its earlier proposals that were not kept are
    deleted (nobody agreed to them). What changed while the solver ran wins: a pair declined
    or cancelled meanwhile, an organisation no longer registered, a place taken by a new lock."""
    event = lock_event(job.event_id)
    meetings = list(Meeting.objects.select_for_update().filter(event=event).order_by("pk"))
    active = {m.pair: m for m in meetings if m.state in ACTIVE}
    refused = {m.pair for m in meetings if m.state not in ACTIVE} - set(active)
    registered = set(Participant.objects.filter(event=event, status=Participant.Status.REGISTERED)
                     .values_list("organization_id", flat=True))
    before = {m.pair: (m.slot_id, m.table) for m in active.values() if m.slot_id}
    locked = {m.pair: m for m in active.values() if m.locked}
    taken = {(m.slot_id, m.table) for m in locked.values()}
    Meeting.objects.filter(event=event, state__in=ACTIVE, locked=False).update(
        slot=None, table=None, need_rep=None, capability_rep=None)
    slots = {s.pk for s in Slot.objects.filter(event=event)}
    updates, creates, skipped = [], [], 0
    for pl in result.placements:
        m = active.get(pl.pair)
        if m is not None and m.locked:
            continue
        parties = (loaded.org_of_listing.get(("s", pl.need)), loaded.org_of_listing.get(("c", pl.capability)))
        if (pl.slot, pl.table) in taken or pl.slot not in slots or not set(parties) <= registered:
            skipped += 1
            continue
        if m is None:
            if pl.pair in refused:
                skipped += 1
                continue
            m = Meeting(event=event, scenario_id=pl.need, capability_id=pl.capability, state=St.PROPOSED,
                        origin=Meeting.Origin.SCHEDULER)
            creates.append(m)
        else:
            updates.append(m)
        m.slot_id, m.table, m.need_rep_id, m.capability_rep_id = pl.slot, pl.table, pl.need_rep, pl.capability_rep
        taken.add((pl.slot, pl.table))
    Meeting.objects.bulk_update(updates, ["slot", "table", "need_rep", "capability_rep"])
    created = Meeting.objects.bulk_create(creates)  # PostgreSQL and SQLite return the new ids
    MeetingTransition.objects.bulk_create([MeetingTransition(meeting=m, actor=job.created_by, to_state=St.PROPOSED)
                                           for m in created])
    placed = {pl.pair for pl in result.placements}
    dropped = [m.pk for m in active.values() if m.state == St.PROPOSED and m.pair not in placed]
    Meeting.objects.filter(pk__in=dropped).delete()
    after = {m.pair: (m.slot_id, m.table) for m in Meeting.objects.filter(event=event, state__in=ACTIVE,
                                                                          slot__isnull=False)}
    changed_pairs = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    org_ids = {loaded.org_of_listing.get(("s", s)) for s, _c in changed_pairs} | {
        loaded.org_of_listing.get(("c", c)) for _s, c in changed_pairs}
    orgs = list(Organization.objects.filter(pk__in=[o for o in org_ids if o]))
    if orgs:
        notifications.agenda_ready(event=event, organizations=orgs)
    return {"created": len(creates), "dropped": len(dropped), "skipped": skipped, "changed": len(changed_pairs),
            "unseated": Meeting.objects.filter(event=event, state__in=ACTIVE, slot__isnull=True)
            .filter(~Q(state=St.PROPOSED)).count()}
