"""The scheduling problem without its time structure, solved exactly as a min-cost flow.

Which meetings happen, ignoring when: each party holds at most min(k, the meetings its
representatives' time allows), all slots together hold at most (usable tables × slots), a pair
meets only if the two parties share a slot. Lexicographically: accepted meetings, then coverage,
then affinity (by bonuses larger than everything after them, as in `rounds`).

Every schedule is such a flow, so the flow's value bounds the schedule's from above; and the
flow's meetings, given slots where they fit, are an excellent start for CP-SAT (its own LNS climbs
slowly from a greedy start on 30,000 variables).
Network: source → need's party → need → capability → capability's party → sink, with a bypass
source → sink for the capacity no meeting uses. A party on both sides appears on both, each with
its full cap (looser, so still a bound)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow

from .check import need_targets
from .model import Pair, PartyId, Problem


@dataclass(frozen=True)
class Relaxation:
    pairs: frozenset[Pair]
    accepted: int   # the accepted and fixed meetings it holds
    coverage: int   # sum over needs of min(meetings, target)
    points: int     # total affinity in solver points


def party_room(problem: Problem, party: PartyId) -> int:
    """The most meetings a party can hold: its cap, or its representatives' slots."""
    p = problem.party_by_id[party]
    room = sum(p.capacity(s) for s in problem.slot_order)
    cap = problem.cap_of(party)
    return room if cap is None else min(room, cap)


def relax(problem: Problem, fixed: Collection[Pair] = ()) -> Relaxation:
    """`fixed`: meetings that must happen (the kept locks), counted with the accepted ones."""
    must = set(fixed)
    cands = [c for c in problem.candidate_by_pair.values() if c.pair in must or problem.common_slots(c)]
    targets = need_targets(problem, problem.min_per_need)
    capacity = problem.usable_tables * len(problem.slots)
    points = {c.pair: problem.points(c) for c in cands}
    top = sorted(points.values(), reverse=True)[:capacity]
    cov_bonus = sum(top) + 1
    acc_bonus = cov_bonus * (sum(targets.values()) + 1)

    nodes: dict[tuple[str, object], int] = {}

    def node(kind: str, key: object) -> int:
        return nodes.setdefault((kind, key), len(nodes) + 2)

    source, sink = 0, 1
    flow = min_cost_flow.SimpleMinCostFlow()
    need_parties = {c.need_party for c in cands}
    cap_parties = {c.capability_party for c in cands}
    for pid in sorted(need_parties):
        flow.add_arc_with_capacity_and_unit_cost(source, node("np", pid), party_room(problem, pid), 0)
    needs_of: dict[PartyId, set[int]] = defaultdict(set)
    for c in cands:
        needs_of[c.need_party].add(c.need)
    for pid, needs in needs_of.items():
        for n in sorted(needs, key=str):
            t = targets.get(n, 0)
            if t:
                flow.add_arc_with_capacity_and_unit_cost(node("np", pid), node("n", n), t, -cov_bonus)
            flow.add_arc_with_capacity_and_unit_cost(node("np", pid), node("n", n), capacity, 0)
    pair_arc: dict[Pair, int] = {}
    for c in cands:
        bonus = acc_bonus if c.pair in must or problem.is_accepted(c.pair) else 0
        pair_arc[c.pair] = flow.add_arc_with_capacity_and_unit_cost(
            node("n", c.need), node("c", c.capability), 1, -(points[c.pair] + bonus))
    seen: set[int] = set()
    for c in cands:
        if c.capability not in seen:
            seen.add(c.capability)
            flow.add_arc_with_capacity_and_unit_cost(node("c", c.capability), node("cp", c.capability_party), capacity, 0)
    for pid in sorted(cap_parties):
        flow.add_arc_with_capacity_and_unit_cost(node("cp", pid), sink, party_room(problem, pid), 0)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, capacity, 0)
    flow.set_node_supply(source, capacity)
    flow.set_node_supply(sink, -capacity)
    if flow.solve() != flow.OPTIMAL:
        raise AssertionError("the bypass arc makes the flow always feasible")
    chosen = frozenset(p for p, arc in pair_arc.items() if flow.flow(arc) > 0)
    per_need: dict[int, int] = defaultdict(int)
    for p in chosen:
        per_need[p[0]] += 1
    return Relaxation(pairs=chosen, accepted=sum(1 for p in chosen if p in must or problem.is_accepted(p)),
                      coverage=sum(min(k, targets.get(n, 0)) for n, k in per_need.items()),
                      points=sum(points[p] for p in chosen))
