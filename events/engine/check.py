"""Checking and measuring a schedule, and saying why something is missing from it.

`violations` is the referee used by the tests and by the site before it stores a hand-made change;
`measure` gives the figures that the solvers and the greedy baseline are compared on; `diagnose`
turns what the schedule lacks into `Issue`s."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from .model import Candidate, Issue, ListingId, Metrics, Pair, PartyId, Placement, Problem, SlotId


def violations(problem: Problem, placements: Sequence[Placement], *, dropped_locks: Iterable[Pair] = ()) -> list[str]:
    """Every broken constraint, one line each (empty when the schedule is valid). Locks in
    `dropped_locks` (the ones the engine reported as conflicting) need not be kept."""
    out: list[str] = []
    seen: set[Pair] = set()
    table_use: dict[tuple[SlotId, int], Pair] = {}
    slot_count: dict[SlotId, int] = defaultdict(int)
    party_slot: dict[tuple[PartyId, SlotId], int] = defaultdict(int)
    party_total: dict[PartyId, int] = defaultdict(int)
    rep_slot: set[tuple[PartyId, int, SlotId]] = set()
    for pl in placements:
        c = problem.candidate_by_pair.get(pl.pair)
        if c is None:
            out.append(f"{pl.pair}: not a candidate of this event")
            continue
        if pl.pair in seen:
            out.append(f"{pl.pair}: placed twice")
        seen.add(pl.pair)
        if pl.slot not in problem.slot_by_id:
            out.append(f"{pl.pair}: unknown slot {pl.slot}")
            continue
        if not 1 <= pl.table <= problem.tables:
            out.append(f"{pl.pair}: no table {pl.table}")
        if (pl.slot, pl.table) in table_use:
            out.append(f"{pl.pair}: table {pl.table} in slot {pl.slot} already holds {table_use[(pl.slot, pl.table)]}")
        table_use[(pl.slot, pl.table)] = pl.pair
        slot_count[pl.slot] += 1
        if c.need_party == c.capability_party:
            out.append(f"{pl.pair}: a party meets itself")
        for party_id, rep_id in ((c.need_party, pl.need_rep), (c.capability_party, pl.capability_rep)):
            party = problem.party_by_id.get(party_id)
            if party is None:
                out.append(f"{pl.pair}: party {party_id} is not registered")
                continue
            party_slot[(party_id, pl.slot)] += 1
            party_total[party_id] += 1
            rep = next((r for r in party.representatives if r.id == rep_id), None)
            if rep is None:
                out.append(f"{pl.pair}: {rep_id} does not represent party {party_id}")
            elif pl.slot not in rep.available:
                out.append(f"{pl.pair}: representative {rep_id} of party {party_id} is not available in slot {pl.slot}")
            if (party_id, rep_id, pl.slot) in rep_slot:
                out.append(f"{pl.pair}: representative {rep_id} of party {party_id} is in two meetings in slot {pl.slot}")
            rep_slot.add((party_id, rep_id, pl.slot))
    for slot, n in slot_count.items():
        if n > problem.usable_tables:
            out.append(f"slot {slot}: {n} meetings but only {problem.usable_tables} tables outside the spare share")
    for (party_id, slot), n in party_slot.items():
        cap = problem.party_by_id[party_id].capacity(slot)
        if n > cap:
            out.append(f"party {party_id}: {n} meetings in slot {slot} with {cap} representatives there")
    for party_id, n in party_total.items():
        cap = problem.cap_of(party_id)
        if cap is not None and n > cap:
            out.append(f"party {party_id}: {n} meetings, more than its cap of {cap}")
    dropped = set(dropped_locks)
    by_pair = {pl.pair: pl for pl in placements}
    for lock in problem.locks:
        if lock.pair in dropped:
            continue
        pl = by_pair.get(lock.pair)
        if pl is None or (pl.slot, pl.table) != (lock.slot, lock.table):
            out.append(f"{lock.pair}: locked at slot {lock.slot}, table {lock.table}, but not there")
    return out


def need_targets(problem: Problem, m: int | None = None) -> dict[ListingId, int]:
    """What coverage asks of each need with candidates: m, or fewer when it has fewer candidates.
    The figures and the report count a need as covered from one meeting when m is 0."""
    m = max(problem.min_per_need, 1) if m is None else m
    count: dict[ListingId, int] = defaultdict(int)
    for c in problem.candidate_by_pair.values():
        count[c.need] += 1
    return {n: min(m, k) for n, k in count.items()}


def idle_by_party(problem: Problem, slot_of: dict[Pair, SlotId]) -> dict[PartyId, tuple[int, float]]:
    """For each party with a meeting: idle slots and minutes, counted within each session between
    its first and last meeting, in the slots where it has a representative and no meeting."""
    busy: dict[PartyId, set[SlotId]] = defaultdict(set)
    for pair, slot in slot_of.items():
        c = problem.candidate_by_pair[pair]
        busy[c.need_party].add(slot)
        busy[c.capability_party].add(slot)
    sessions: dict[int, list[SlotId]] = defaultdict(list)
    for s in problem.slot_order:
        sessions[problem.slot_by_id[s].session].append(s)
    out: dict[PartyId, tuple[int, float]] = {}
    for party_id, slots in busy.items():
        party = problem.party_by_id.get(party_id)
        n, minutes = 0, 0.0
        for order in sessions.values():
            idx = [i for i, s in enumerate(order) if s in slots]
            if not idx:
                continue
            for s in order[idx[0] + 1:idx[-1]]:
                if s not in slots and party is not None and party.capacity(s) > 0:
                    n += 1
                    minutes += problem.slot_by_id[s].minutes
        out[party_id] = (n, minutes)
    return out


def measure(problem: Problem, placements: Sequence[Placement]) -> Metrics:
    slot_of = {pl.pair: pl.slot for pl in placements}
    per_need: dict[ListingId, int] = defaultdict(int)
    affinity = 0.0
    for pair in slot_of:
        c = problem.candidate_by_pair[pair]
        per_need[c.need] += 1
        affinity += problem.weights.affinity(c.score, c.interest)
    targets = need_targets(problem)
    covered = sum(1 for n, t in targets.items() if per_need[n] >= t)
    idle = idle_by_party(problem, slot_of)
    return Metrics(
        meetings=len(slot_of),
        affinity=affinity,
        needs=len(targets),
        needs_covered=covered,
        idle_minutes=sum(m for _, m in idle.values()) / len(idle) if idle else 0.0,
        idle_slots=sum(n for n, _ in idle.values()) / len(idle) if idle else 0.0,
    )


def diagnose(problem: Problem, placements: Sequence[Placement]) -> tuple[list[Issue], list[Issue]]:
    """Why an accepted meeting is not in the schedule, and why a need has fewer meetings than m.

    The reasons are tried from the most to the least definite: a party not registered, no slot in
    which both sides are available, a side already at its cap, every common slot taken (tables or
    either side's representatives), else `not_selected` (the solver's time ran out first)."""
    slot_of = {pl.pair: pl.slot for pl in placements}
    slot_count: dict[SlotId, int] = defaultdict(int)
    party_slot: dict[tuple[PartyId, SlotId], int] = defaultdict(int)
    party_total: dict[PartyId, int] = defaultdict(int)
    per_need: dict[ListingId, int] = defaultdict(int)
    for pair, slot in slot_of.items():
        c = problem.candidate_by_pair[pair]
        slot_count[slot] += 1
        per_need[c.need] += 1
        for pid in c.parties:
            party_slot[(pid, slot)] += 1
            party_total[pid] += 1

    def at_cap(pid: PartyId) -> bool:
        cap = problem.cap_of(pid)
        return cap is not None and party_total[pid] >= cap

    def reason(c: Candidate) -> Issue:
        missing = [pid for pid in c.parties if pid not in problem.party_by_id]
        if missing:
            return Issue("party_not_registered", pair=c.pair, params={"party": missing[0]})
        common = problem.common_slots(c)
        if not common:
            return Issue("no_common_slot", pair=c.pair, params={"parties": list(c.parties)})
        full = [pid for pid in c.parties if at_cap(pid)]
        if full:
            return Issue("party_at_cap", pair=c.pair, params={"party": full[0], "cap": problem.cap_of(full[0])})
        free = [s for s in common if slot_count[s] < problem.usable_tables
                and all(party_slot[(pid, s)] < problem.party_by_id[pid].capacity(s) for pid in c.parties)]
        if not free:
            return Issue("no_free_slot", pair=c.pair, params={"slots": common})
        return Issue("not_selected", pair=c.pair, params={"slots": free})

    unplaced = [reason(c) for c in problem.candidate_by_pair.values()
                if problem.is_accepted(c.pair) and c.pair not in slot_of]

    targets = need_targets(problem)
    by_need: dict[ListingId, list] = defaultdict(list)
    for c in problem.candidate_by_pair.values():
        by_need[c.need].append(c)
    uncovered: list[Issue] = []
    for need in sorted(problem.all_needs, key=str):
        if need not in targets:
            uncovered.append(Issue("no_candidates", need=need))
            continue
        if per_need[need] >= targets[need]:
            continue
        params = {"meetings": per_need[need], "target": targets[need]}
        cands = by_need[need]
        party = cands[0].need_party
        codes = {reason(c).code for c in cands if c.pair not in slot_of}
        if party not in problem.party_by_id:
            uncovered.append(Issue("party_not_registered", need=need, params={**params, "party": party}))
        elif codes <= {"no_common_slot"}:
            uncovered.append(Issue("no_common_slot", need=need, params=params))
        elif at_cap(party):
            uncovered.append(Issue("party_at_cap", need=need, params={**params, "party": party, "cap": problem.cap_of(party)}))
        elif codes <= {"no_common_slot", "party_at_cap"}:
            uncovered.append(Issue("counterparts_at_cap", need=need, params=params))
        else:
            uncovered.append(Issue("no_capacity", need=need, params=params))
    return unplaced, uncovered
