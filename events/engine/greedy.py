"""The greedy baseline: best pair first, each in its earliest slot that fits.

Locks first, then accepted meetings, then every other candidate, each group by affinity (highest
first). It is what an organiser does by hand, what the solver is measured against, and the
solver's starting point (its schedule is given to CP-SAT as a hint)."""
from __future__ import annotations

import time
from collections.abc import Mapping

from .assign import Tally, check_locks, seat
from .check import diagnose, measure
from .model import Candidate, Pair, Problem, Schedule, SlotId


def greedy_order(problem: Problem) -> list[Candidate]:
    return sorted(problem.candidate_by_pair.values(),
                  key=lambda c: (not problem.is_accepted(c.pair), -problem.points(c), c.need, c.capability))


def _tally(problem: Problem, fixed: Mapping[Pair, SlotId], first: Mapping[Pair, SlotId] | None) -> Tally:
    """The meetings in `fixed` (the kept locks: they fit together), then those of `first` that
    still fit in their slot."""
    tally = Tally(problem)
    for pair, slot in fixed.items():
        tally.place(problem.candidate_by_pair[pair], slot)
    for pair, slot in (first or {}).items():
        c = problem.candidate_by_pair.get(pair)
        if c is not None and slot in problem.common_slots(c) and tally.fits(c, slot):
            tally.place(c, slot)
    return tally


def greedy_slots(problem: Problem, fixed: Mapping[Pair, SlotId], *,
                 first: Mapping[Pair, SlotId] | None = None) -> dict[Pair, SlotId]:
    """Slot of each meeting: `fixed`, then `first` where it still fits, then best pair first."""
    tally = _tally(problem, fixed, first)
    for c in greedy_order(problem):
        if c.pair not in tally.slot_of:
            tally.place_first_fit(c)
    return tally.slot_of


def covering_slots(problem: Problem, fixed: Mapping[Pair, SlotId], *,
                   first: Mapping[Pair, SlotId] | None = None) -> dict[Pair, SlotId]:
    """A better start for the solver than `greedy_slots`: `fixed` and `first` as there, then
    each need's best candidate that fits (the needs with the fewest candidates first), then best
    pair first."""
    tally = _tally(problem, fixed, first)
    order = greedy_order(problem)
    for c in order:
        if problem.is_accepted(c.pair) and c.pair not in tally.slot_of:
            tally.place_first_fit(c)
    per_need: dict[int, list[Candidate]] = {}
    for c in order:
        per_need.setdefault(c.need, []).append(c)
    have = {problem.candidate_by_pair[p].need for p in tally.slot_of}
    for need in sorted(per_need, key=lambda n: (len(per_need[n]), str(n))):
        if need in have:
            continue
        for c in per_need[need]:
            if tally.place_first_fit(c):
                break
    for c in order:
        if c.pair not in tally.slot_of:
            tally.place_first_fit(c)
    return tally.slot_of


def greedy_schedule(problem: Problem) -> Schedule:
    t0 = time.perf_counter()
    kept, conflicts = check_locks(problem)
    placements = seat(problem, greedy_slots(problem, {lock.pair: lock.slot for lock in kept}), locks=kept)
    unplaced, uncovered = diagnose(problem, placements)
    return Schedule(placements=tuple(placements), metrics=measure(problem, placements), status="GREEDY",
                    seconds=time.perf_counter() - t0, lock_conflicts=tuple(conflicts),
                    unplaced=tuple(unplaced), uncovered=tuple(uncovered))
