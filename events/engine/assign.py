"""Placing meetings by hand: the lock check, the running tally of who is busy when, and the last
step of every schedule, giving each meeting a table and a representative of each side.

The solvers decide only which meetings happen in which slot: tables are interchangeable, so
modelling them would multiply the search by every permutation of tables; a slot with no more
meetings than usable tables can always be seated, and seating is done here, keeping a
capability's party at the table it had in its previous meeting where that table is free.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .model import Candidate, Issue, Lock, Pair, PartyId, Placement, Problem, SlotId

_NO_CAP = 1 << 30


def _cap(problem: Problem, party: PartyId) -> int:
    cap = problem.cap_of(party)
    return _NO_CAP if cap is None else cap


class Tally:
    """Who is busy when, for a greedy pass; `fits` checks every constraint of the model."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.slot_count: dict[SlotId, int] = defaultdict(int)
        self.party_slot: dict[tuple[PartyId, SlotId], int] = defaultdict(int)
        self.party_total: dict[PartyId, int] = defaultdict(int)
        self.slot_of: dict[Pair, SlotId] = {}

    def at_cap(self, party: PartyId) -> bool:
        cap = self.problem.cap_of(party)
        return cap is not None and self.party_total[party] >= cap

    def fits(self, c: Candidate, slot: SlotId) -> bool:
        p = self.problem
        if c.pair in self.slot_of or c.need_party == c.capability_party:
            return False
        if self.slot_count[slot] >= p.usable_tables:
            return False
        for party_id in c.parties:
            party = p.party_by_id.get(party_id)
            if party is None or self.at_cap(party_id):
                return False
            if self.party_slot[(party_id, slot)] >= party.capacity(slot):
                return False
        return True

    def place(self, c: Candidate, slot: SlotId) -> None:
        self.slot_of[c.pair] = slot
        self.slot_count[slot] += 1
        for party_id in c.parties:
            self.party_slot[(party_id, slot)] += 1
            self.party_total[party_id] += 1

    def place_first_fit(self, c: Candidate) -> bool:
        for s in self.problem.common_slots(c):
            if self.fits(c, s):
                self.place(c, s)
                return True
        return False


def check_locks(problem: Problem) -> tuple[list[Lock], list[Issue]]:
    """Split the locks into those that can all be kept together and those that cannot, in the
    order given (a lock clashes with earlier kept ones). Each clash names the locks it clashes with.
    Locks alone never make the rest infeasible: every other meeting may simply not happen."""
    kept: list[Lock] = []
    issues: list[Issue] = []
    seen: set[Pair] = set()
    table_at: dict[tuple[SlotId, int], Pair] = {}
    at_slot: dict[SlotId, list[Pair]] = defaultdict(list)
    party_slot: dict[tuple[PartyId, SlotId], list[Pair]] = defaultdict(list)
    party_all: dict[PartyId, list[Pair]] = defaultdict(list)

    for lock in problem.locks:
        def clash(code: str, **params: object) -> None:
            issues.append(Issue(code=code, pair=lock.pair, params={"slot": lock.slot, "table": lock.table, **params}))  # noqa: B023

        c = problem.candidate_by_pair.get(lock.pair)
        if c is None:
            clash("lock_unknown_pair")
            continue
        if lock.pair in seen:
            clash("lock_duplicate")
            continue
        seen.add(lock.pair)
        if lock.slot not in problem.slot_by_id:
            clash("lock_unknown_slot")
            continue
        if not 1 <= lock.table <= problem.tables:
            clash("lock_unknown_table", tables=problem.tables)
            continue
        if c.need_party == c.capability_party:
            clash("lock_same_party", party=c.need_party)
            continue
        missing = [pid for pid in c.parties if pid not in problem.party_by_id]
        if missing:
            clash("lock_party_not_registered", party=missing[0])
            continue
        away = [pid for pid in c.parties if problem.party_by_id[pid].capacity(lock.slot) == 0]
        if away:
            clash("lock_party_unavailable", party=away[0])
            continue
        if (lock.slot, lock.table) in table_at:
            clash("lock_table_taken", others=[table_at[(lock.slot, lock.table)]])
            continue
        busy = [pid for pid in c.parties
                if len(party_slot[(pid, lock.slot)]) >= problem.party_by_id[pid].capacity(lock.slot)]
        if busy:
            clash("lock_party_busy", party=busy[0], others=list(party_slot[(busy[0], lock.slot)]))
            continue
        full = [pid for pid in c.parties if len(party_all[pid]) >= _cap(problem, pid)]
        if full:
            clash("lock_party_at_cap", party=full[0], cap=problem.cap_of(full[0]), others=list(party_all[full[0]]))
            continue
        if len(at_slot[lock.slot]) >= problem.usable_tables:
            clash("lock_spare_tables", usable=problem.usable_tables, others=list(at_slot[lock.slot]))
            continue
        kept.append(lock)
        table_at[(lock.slot, lock.table)] = lock.pair
        at_slot[lock.slot].append(lock.pair)
        for pid in c.parties:
            party_slot[(pid, lock.slot)].append(lock.pair)
            party_all[pid].append(lock.pair)
    return kept, issues


def seat(problem: Problem, slot_of: Mapping[Pair, SlotId], *, locks: Iterable[Lock] = (),
         prefer_table: Mapping[Pair, int] | None = None) -> list[Placement]:
    """Give every meeting of `slot_of` a table and a representative of each side.

    Locked meetings keep their table; then a meeting keeps its `prefer_table` (its table in the
    schedule being revised) where free; then a capability's party keeps the table of its
    previous meeting; else the lowest free table, so the spare tables are the highest numbers.
    Preconditions (what the solvers guarantee): no slot holds more meetings than tables, and no
    party more than its representatives there."""
    prefer_table = prefer_table or {}
    locked = {lock.pair: lock for lock in locks}
    by_slot: dict[SlotId, list[Pair]] = defaultdict(list)
    for pair, slot in slot_of.items():
        by_slot[slot].append(pair)
    last_table: dict[PartyId, int] = {}
    rep_of_listing: dict[tuple[PartyId, int], int] = {}
    out: list[Placement] = []
    for slot in problem.slot_order:
        pairs = sorted(by_slot.get(slot, ()), key=lambda pr: (pr not in locked, pr not in prefer_table, pr))
        taken: set[int] = set()
        table_of: dict[Pair, int] = {}
        for pr in pairs:
            if pr in locked:
                table_of[pr] = locked[pr].table
                taken.add(locked[pr].table)
        for pr in pairs:
            if pr in table_of:
                continue
            cand = problem.candidate_by_pair[pr]
            wish = [t for t in (prefer_table.get(pr), last_table.get(cand.capability_party)) if t is not None]
            table = next((t for t in wish if 1 <= t <= problem.tables and t not in taken), None)
            if table is None:
                table = next(t for t in range(1, problem.tables + 1) if t not in taken)
            table_of[pr] = table
            taken.add(table)
        used_reps: set[tuple[PartyId, int]] = set()
        for pr in pairs:
            cand = problem.candidate_by_pair[pr]
            reps = []
            for party_id, listing in ((cand.need_party, cand.need), (cand.capability_party, cand.capability)):
                free = [r.id for r in problem.party_by_id[party_id].representatives
                        if slot in r.available and (party_id, r.id) not in used_reps]
                if not free:
                    raise AssertionError(f"party {party_id} has no representative left in slot {slot}")
                before = rep_of_listing.get((party_id, listing))
                rep = before if before in free else free[0]
                used_reps.add((party_id, rep))
                rep_of_listing[(party_id, listing)] = rep
                reps.append(rep)
            last_table[cand.capability_party] = table_of[pr]
            out.append(Placement(need=pr[0], capability=pr[1], slot=slot, table=table_of[pr],
                                 need_rep=reps[0], capability_rep=reps[1],
                                 accepted=problem.is_accepted(pr), locked=pr in locked))
    return out
