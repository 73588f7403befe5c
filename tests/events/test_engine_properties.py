"""Property tests of the scheduler over random small events: no constraint is ever broken, the
optimiser is never worse than the greedy baseline on its own lexicographic terms, and
re-scheduling after a cancellation leaves every other meeting where it was."""
import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.engine import (
    Party,
    Representative,
    check_locks,
    greedy_schedule,
    reschedule,
    schedule,
    violations,
)
from events.engine.relax import relax

from .strategies import FAST, events

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def lexicographic(problem, placements):
    """What `schedule` maximises, in order: accepted meetings placed, coverage, affinity points."""
    from events.engine.check import need_targets

    targets = need_targets(problem, problem.min_per_need)
    per_need = {}
    for pl in placements:
        per_need[pl.need] = per_need.get(pl.need, 0) + 1
    return (sum(1 for pl in placements if problem.is_accepted(pl.pair)),
            sum(min(k, targets.get(n, 0)) for n, k in per_need.items()),
            sum(problem.points(problem.candidate_by_pair[pl.pair]) for pl in placements))


@PROPS
@given(events())
def test_schedule_never_breaks_a_constraint(problem):
    result = schedule(problem, options=FAST)
    dropped = [i.pair for i in result.lock_conflicts]
    assert violations(problem, result.placements, dropped_locks=dropped) == []
    kept, conflicts = check_locks(problem)
    assert len(kept) + len(conflicts) == len(problem.locks)
    assert {pl.pair for pl in result.placements if pl.locked} == {lock.pair for lock in kept}


@PROPS
@given(events())
def test_greedy_never_breaks_a_constraint(problem):
    result = greedy_schedule(problem)
    assert violations(problem, result.placements, dropped_locks=[i.pair for i in result.lock_conflicts]) == []


@PROPS
@given(events(min_m=1))
def test_schedule_is_at_least_greedy_on_accepted_then_coverage_then_affinity(problem):
    ours = lexicographic(problem, schedule(problem, options=FAST).placements)
    greedy = lexicographic(problem, greedy_schedule(problem).placements)
    assert ours[:2] >= greedy[:2]
    if ours[:2] == greedy[:2]:
        assert ours[2] >= greedy[2] * (1 - FAST.relative_gap)


@PROPS
@given(events())
def test_relaxation_bounds_the_schedule(problem):
    result = schedule(problem, options=FAST)
    kept, _ = check_locks(problem)
    bound = relax(problem, {lock.pair for lock in kept})
    assert lexicographic(problem, result.placements) <= (bound.accepted, bound.coverage, bound.points)


@PROPS
@given(events(), st.data())
def test_reschedule_after_a_cancellation_keeps_every_other_meeting_in_place(problem, data):
    first = schedule(problem, options=FAST)
    movable = [pl for pl in first.placements if not pl.locked]
    if not movable:
        return
    gone = data.draw(st.sampled_from(movable)).pair
    changed = dataclasses.replace(problem, candidates=tuple(c for c in problem.candidates if c.pair != gone))
    result = reschedule(changed, first.placements, options=FAST)
    assert violations(changed, result.placements, dropped_locks=[i.pair for i in result.lock_conflicts]) == []
    after = {pl.pair: (pl.slot, pl.table) for pl in result.placements}
    for pl in first.placements:
        if pl.pair != gone:
            assert after[pl.pair] == (pl.slot, pl.table)
    assert result.moved == ()
    assert gone not in after


@PROPS
@given(events(), st.data())
def test_reschedule_after_lost_availability_keeps_and_stays_at_least_as_well_as_moving_only_the_affected(problem, data):
    first = schedule(problem, options=FAST)
    if not first.placements:
        return
    hit = data.draw(st.sampled_from(first.placements))
    party = problem.party_by_id[problem.candidate_by_pair[hit.pair].need_party]
    fewer = Party(id=party.id, max_meetings=party.max_meetings,
                  representatives=tuple(Representative(id=r.id, available=r.available - {hit.slot})
                                        for r in party.representatives))
    changed = dataclasses.replace(problem, parties=tuple(fewer if p.id == party.id else p for p in problem.parties))
    result = reschedule(changed, first.placements, options=FAST)
    dropped = [i.pair for i in result.lock_conflicts]
    assert violations(changed, result.placements, dropped_locks=dropped) == []
    before = {pl.pair: pl.slot for pl in first.placements}
    after = {pl.pair: pl.slot for pl in result.placements}
    # the baseline: every meeting still possible where it is stays, the others are dropped
    from events.engine.assign import Tally

    tally = Tally(changed)
    kept_locks, _ = check_locks(changed)
    for lock in kept_locks:
        tally.place(changed.candidate_by_pair[lock.pair], lock.slot)
    for pl in first.placements:
        c = changed.candidate_by_pair[pl.pair]
        if pl.pair not in tally.slot_of and pl.slot in changed.common_slots(c) and tally.fits(c, pl.slot):
            tally.place(c, pl.slot)
    kept_ours = sum(1 for p in before if p in after)
    kept_base = len(tally.slot_of)
    accepted_ours = sum(1 for p in after if changed.is_accepted(p))
    accepted_base = sum(1 for p in tally.slot_of if changed.is_accepted(p))
    assert (accepted_ours, kept_ours) >= (accepted_base, kept_base)
    if (accepted_ours, kept_ours) == (accepted_base, kept_base):
        assert sum(1 for p, s in before.items() if after.get(p) == s) >= kept_base
