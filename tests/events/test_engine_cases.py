"""The scheduler on small events built by hand: each constraint, each report, each stage."""
import dataclasses
from datetime import datetime, timedelta

import pytest

from events.engine import (
    Candidate,
    Interest,
    Lock,
    Party,
    Placement,
    Problem,
    Representative,
    Slot,
    SolverOptions,
    check_locks,
    greedy_schedule,
    reschedule,
    schedule,
    violations,
)
from events.engine.synthetic import synthetic_event

from .strategies import FAST

T0 = datetime(2025, 11, 20, 14, 0)


def slots(n, session=1, start=T0):
    return tuple(Slot(id=i + 1, session=session, start=start + timedelta(minutes=20 * i),
                      end=start + timedelta(minutes=20 * (i + 1))) for i in range(n))


def party(pid, *available, reps=1, cap=None):
    avail = frozenset(available[0]) if available else frozenset(range(1, 10))
    return Party(id=pid, representatives=tuple(Representative(id=r + 1, available=avail) for r in range(reps)),
                 max_meetings=cap)


def cand(need, cap, need_party, cap_party, score=0.5, **kw):
    return Candidate(need=need, capability=cap, need_party=need_party, capability_party=cap_party, score=score, **kw)


def event(**kw):
    base = dict(slots=slots(3), tables=5, parties=(), candidates=())
    base.update(kw)
    return Problem(**base)


# --- the referee ---------------------------------------------------------------------------------

def test_violations_names_double_booking_table_clash_availability_and_caps():
    p = event(parties=(party(1, {1}, cap=1), party(2), party(3)),
              candidates=(cand(1, 10, 1, 2), cand(2, 11, 1, 3), cand(3, 12, 3, 2)))
    bad = [Placement(1, 10, slot=1, table=1, need_rep=1, capability_rep=1),
           Placement(2, 11, slot=1, table=1, need_rep=1, capability_rep=1),
           Placement(3, 12, slot=2, table=9, need_rep=1, capability_rep=1)]
    found = "\n".join(violations(p, bad))
    assert "table 1 in slot 1 already holds" in found
    assert "representative 1 of party 1 is in two meetings in slot 1" in found
    assert "more than its cap of 1" in found
    assert "no table 9" in found
    assert violations(p, bad[:1]) == []


def test_violations_sees_a_lock_moved_and_a_party_unavailable():
    p = event(parties=(party(1, {1}), party(2)), candidates=(cand(1, 10, 1, 2),), locks=(Lock((1, 10), 1, 2),))
    moved = [Placement(1, 10, slot=2, table=2, need_rep=1, capability_rep=1)]
    found = "\n".join(violations(p, moved))
    assert "not available in slot 2" in found and "locked at slot 1, table 2, but not there" in found


# --- constraints -----------------------------------------------------------------------------------

def test_schedule_holds_two_meetings_at_once_only_with_two_representatives():
    one = event(slots=slots(1), parties=(party(1), party(2), party(3)),
                candidates=(cand(1, 10, 1, 2), cand(1, 11, 1, 3)))
    assert len(schedule(one, options=FAST).placements) == 1
    two = dataclasses.replace(one, parties=(party(1, reps=2), party(2), party(3)))
    result = schedule(two, options=FAST)
    assert len(result.placements) == 2
    assert {pl.need_rep for pl in result.placements} == {1, 2}


def test_schedule_keeps_the_spare_share_of_tables_free():
    p = event(slots=slots(1), tables=4, spare_share=0.25,
              parties=tuple(party(i) for i in range(1, 11)),
              candidates=tuple(cand(i, 100 + i, i, 5 + i) for i in range(1, 6)))
    result = schedule(p, options=FAST)
    assert len(result.placements) == 3
    assert sorted(pl.table for pl in result.placements) == [1, 2, 3]


def test_schedule_keeps_locked_meetings_at_their_slot_and_table():
    p = event(parties=(party(1), party(2), party(3)),
              candidates=(cand(1, 10, 1, 2, 0.9), cand(2, 11, 1, 3, 0.1, accepted=True)),
              locks=(Lock((2, 11), 3, 4),))
    result = schedule(p, options=FAST)
    by_pair = {pl.pair: pl for pl in result.placements}
    assert (by_pair[(2, 11)].slot, by_pair[(2, 11)].table, by_pair[(2, 11)].locked) == (3, 4, True)
    assert by_pair[(1, 10)].slot != 3


def test_schedule_covers_a_need_that_greedy_leaves_without_a_meeting():
    # capability 10 is the best for both needs but its party takes one meeting: greedy gives it to
    # need 1, which had a good alternative; need 2 had none
    p = event(slots=slots(2), parties=(party(1), party(2), party(3, cap=1), party(4)),
              candidates=(cand(1, 10, 1, 3, 0.9), cand(2, 10, 2, 3, 0.8), cand(1, 11, 1, 4, 0.85)))
    greedy = greedy_schedule(p)
    ours = schedule(p, options=FAST)
    assert greedy.metrics.needs_covered == 1
    assert ours.metrics.needs_covered == 2
    assert {pl.pair for pl in ours.placements} == {(2, 10), (1, 11)}
    assert [i.code for i in greedy.uncovered] == ["counterparts_at_cap"]


def test_schedule_closes_the_idle_gap_that_greedy_leaves():
    # the vendor meets need 2 only in slot 3 (its owner comes late); greedy puts need 1 in slot 1
    p = event(parties=(party(1), party(2, {3}), party(3)),
              candidates=(cand(1, 10, 1, 3, 0.9), cand(2, 10, 2, 3, 0.8)))
    assert greedy_schedule(p).metrics.idle_minutes == pytest.approx(20 / 3)  # the vendor waits 20 min; 3 parties
    ours = schedule(p, options=FAST)
    assert ours.metrics.idle_minutes == 0.0
    assert {pl.pair: pl.slot for pl in ours.placements} == {(1, 10): 2, (2, 10): 3}


def test_schedule_counts_interest_in_the_affinity():
    p = event(slots=slots(1), parties=(party(1), party(2), party(3)),
              candidates=(cand(1, 10, 1, 2, 0.6), cand(1, 11, 1, 3, 0.5, interest=Interest.MUTUAL)))
    assert [pl.pair for pl in schedule(p, options=FAST).placements] == [(1, 11)]


# --- reports -----------------------------------------------------------------------------------------

def test_clashing_locks_are_reported_with_the_locks_they_clash_with_and_nothing_raises():
    p = event(parties=(party(1, {1, 2}), party(2), party(3), party(4)),
              candidates=(cand(1, 10, 1, 2, accepted=True), cand(2, 11, 1, 3, accepted=True),
                          cand(3, 12, 4, 2, accepted=True), cand(4, 13, 4, 3, accepted=True)),
              locks=(Lock((1, 10), 1, 1), Lock((2, 11), 1, 2), Lock((3, 12), 2, 1), Lock((4, 13), 2, 1),
                     Lock((4, 13), 3, 9), Lock((3, 12), 3, 1)))
    kept, issues = check_locks(p)
    assert [lock.pair for lock in kept] == [(1, 10), (3, 12)]
    codes = [(i.code, i.pair, i.params.get("others")) for i in issues]
    assert codes == [("lock_party_busy", (2, 11), [(1, 10)]), ("lock_table_taken", (4, 13), [(3, 12)]),
                     ("lock_duplicate", (4, 13), None), ("lock_duplicate", (3, 12), None)]
    result = schedule(p, options=FAST)
    assert [i.code for i in result.lock_conflicts] == [i.code for i in issues]
    assert violations(p, result.placements, dropped_locks=[i.pair for i in issues]) == []
    assert len(result.placements) == 4  # the unlocked ones are still placed where they fit


@pytest.mark.parametrize(("lock", "code"), [(Lock((1, 10), 7, 1), "lock_unknown_slot"),
                                            (Lock((1, 10), 1, 6), "lock_unknown_table"),
                                            (Lock((1, 10), 3, 1), "lock_party_unavailable"),
                                            (Lock((5, 50), 1, 1), "lock_unknown_pair")])
def test_a_lock_that_cannot_hold_is_reported_by_code(lock, code):
    p = event(parties=(party(1, {1, 2}), party(2)), candidates=(cand(1, 10, 1, 2),), locks=(lock,))
    assert [i.code for i in schedule(p, options=FAST).lock_conflicts] == [code]


def test_locks_beyond_the_usable_tables_of_a_slot_are_reported():
    p = event(slots=slots(1), tables=2, spare_share=0.5, parties=tuple(party(i) for i in range(1, 5)),
              candidates=(cand(1, 10, 1, 2), cand(2, 11, 3, 4)), locks=(Lock((1, 10), 1, 1), Lock((2, 11), 1, 2)))
    assert [i.code for i in check_locks(p)[1]] == ["lock_spare_tables"]


def test_unplaced_accepted_meetings_say_why():
    p = event(slots=slots(2), tables=1,
              parties=(party(1, {1}), party(2, {2}), party(3, cap=1), party(4), party(5), party(6)),
              candidates=(cand(1, 10, 1, 2, accepted=True),            # never there at the same time
                          cand(2, 11, 3, 4, 0.9, accepted=True), cand(3, 12, 3, 5, accepted=True),  # party 3 takes one
                          cand(4, 13, 6, 4, 0.4, accepted=True), cand(5, 14, 6, 5, 0.3, accepted=True)))
    result = schedule(p, options=FAST)
    reasons = {i.pair: i.code for i in result.unplaced}
    assert reasons[(1, 10)] == "no_common_slot"
    assert reasons[(3, 12)] == "party_at_cap" or reasons.get((2, 11)) == "party_at_cap"
    assert "no_free_slot" in reasons.values()  # one table, two slots: someone finds both slots full
    assert {i.need: i.code for i in result.uncovered}[1] == "no_common_slot"


def test_a_registered_need_without_candidates_is_reported():
    p = event(parties=(party(1), party(2)), candidates=(cand(1, 10, 1, 2),), needs=frozenset({1, 7}))
    assert [(i.need, i.code) for i in schedule(p, options=FAST).uncovered] == [(7, "no_candidates")]


# --- re-scheduling -------------------------------------------------------------------------------------

def test_reschedule_keeps_the_tables_of_meetings_that_stay():
    p = event(slots=slots(1), parties=tuple(party(i) for i in range(1, 7)),
              candidates=(cand(1, 10, 1, 2, 0.9), cand(2, 11, 3, 4, 0.8), cand(3, 12, 5, 6, 0.7)))
    first = schedule(p, options=FAST)
    at_one = next(pl for pl in first.placements if pl.table == 1)
    changed = dataclasses.replace(p, candidates=tuple(c for c in p.candidates if c.pair != at_one.pair))
    again = reschedule(changed, first.placements, options=FAST)
    assert {(pl.pair, pl.table) for pl in again.placements} == {(pl.pair, pl.table) for pl in first.placements} - {
        (at_one.pair, 1)}
    assert again.moved == ()


def test_reschedule_moves_only_the_meeting_whose_party_left_and_fills_the_gap():
    parties = (party(1), party(2), party(3), party(4))
    p = event(slots=slots(2), tables=1, parties=parties,
              candidates=(cand(1, 10, 1, 2, 0.9, accepted=True), cand(2, 11, 3, 4, 0.8, accepted=True)))
    first = schedule(p, options=FAST)
    slot_of = {pl.pair: pl.slot for pl in first.placements}
    leaving = 1 if slot_of[(1, 10)] == 2 else 3  # the need party of the meeting in slot 2 leaves after slot 1
    moved_pair = (1, 10) if leaving == 1 else (2, 11)
    changed = dataclasses.replace(p, parties=tuple(party(pid, {1}) if pid == leaving else x
                                                   for pid, x in zip((1, 2, 3, 4), parties, strict=True)))
    again = reschedule(changed, first.placements, options=FAST)
    assert violations(changed, again.placements) == []
    # both accepted meetings still happen: they swap slots, the two moves the change forces
    assert {pl.pair for pl in again.placements} == {(1, 10), (2, 11)}
    assert {pl.pair: pl.slot for pl in again.placements}[moved_pair] == 1
    assert set(again.moved) == {(1, 10), (2, 11)}


def test_reschedule_without_fill_adds_no_meeting():
    p = event(slots=slots(2), tables=1, parties=tuple(party(i) for i in range(1, 5)),
              candidates=(cand(1, 10, 1, 2, 0.9), cand(2, 11, 3, 4, 0.8), cand(1, 11, 1, 4, 0.7)))
    first = schedule(p, options=FAST)
    gone = first.placements[0].pair
    changed = dataclasses.replace(p, candidates=tuple(c for c in p.candidates if c.pair != gone))
    kept = {pl.pair for pl in first.placements} - {gone}
    assert {pl.pair for pl in reschedule(changed, first.placements, options=FAST, fill=False).placements} == kept
    assert len(reschedule(changed, first.placements, options=FAST).placements) == 2


# --- time limit -------------------------------------------------------------------------------------------

def test_a_time_limit_too_short_to_search_still_returns_a_valid_schedule():
    p = synthetic_event(needs=40, capabilities=60, tables=8, seed=3)
    result = schedule(p, options=SolverOptions(time_limit=0.01, workers=1))
    assert violations(p, result.placements, dropped_locks=[i.pair for i in result.lock_conflicts]) == []
    assert result.metrics.meetings >= greedy_schedule(p).metrics.meetings * 0.9
    assert result.status in ("OPTIMAL", "FEASIBLE", "GREEDY")


def test_progress_is_reported_from_start_to_done():
    p = event(parties=(party(1), party(2)), candidates=(cand(1, 10, 1, 2),))
    seen = []
    schedule(p, options=FAST, progress=lambda share, stage: seen.append((share, stage)))
    assert seen[-1] == (1.0, "done") and [s for s, _ in seen] == sorted(s for s, _ in seen)
