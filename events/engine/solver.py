"""The optimising scheduler: OR-Tools CP-SAT, lexicographic objectives, a time limit.

A boolean x[pair, slot] says that the pair meets in that slot; it exists only for the slots where
both parties have a representative (availability is in the variables, not in constraints). The
constraints are the same in every model:

- a pair meets at most once; a fixed pair (a lock) exactly once, in its slot;
- in each slot, no more meetings than the tables outside the spare share (the tables themselves
  are given afterwards by `assign.seat`: they are interchangeable, and modelling them would only
  multiply the symmetric solutions);
- in each slot, no party in more meetings than it has representatives there (nobody in two
  places at once);
- no party in more than its cap of meetings (k).

`schedule` optimises lexicographically, each stage keeping the previous stage's value:
1. coverage: place the accepted meetings, then give each need min(m, its candidates) meetings;
2. affinity: maximise the total of score + interest bonus;
3. idle time: with the meetings of stage 2 fixed, move them between slots to minimise the idle
   minutes in each party's sessions (between its first and last meeting).
Stages 1 and 2 start from the flow relaxation (`relax`): its meetings given slots by a small
model, the rest filled greedily. Where that start reaches the relaxation's values, it is optimal
and the stage needs no search (the usual case: the relaxation bounds every schedule, and its
meetings nearly always fit in the slots); else CP-SAT searches the model of every candidate from
it, and the bound reported is the tighter of CP-SAT's and the relaxation's. Every search starts
from a feasible hint, so one cut short by its time limit still returns the best schedule so far.

`reschedule` revises a schedule after cancellations or changed availability: first the meetings
already scheduled, on a model of those pairs only: keep as many as possible, then move as few as
possible; then those are fixed and the freed capacity is filled as `schedule` does.
"""
from __future__ import annotations

import dataclasses
import os
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .assign import check_locks, seat
from .check import diagnose, measure, need_targets
from .greedy import covering_slots, greedy_order, greedy_slots
from .model import Candidate, Issue, Lock, Pair, PartyId, Placement, Problem, Schedule, SlotId, Stage
from .relax import Relaxation, relax

Progress = Callable[[float, str], None]
_STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE", cp_model.INFEASIBLE: "INFEASIBLE",
           cp_model.MODEL_INVALID: "MODEL_INVALID", cp_model.UNKNOWN: "UNKNOWN"}
_SOLVED = ("OPTIMAL", "FEASIBLE")


@dataclass(frozen=True)
class SolverOptions:
    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    # the affinity search stops once within this share of its bound
    relative_gap: float = 0.002
    minimise_idle: bool = True


class _Model:
    """The variables and constraints shared by every stage (see the module docstring)."""

    def __init__(self, problem: Problem, candidates: Sequence[Candidate], fixed: Mapping[Pair, SlotId],
                 *, all_placed: bool = False) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        m = self.model
        self.x: dict[Pair, dict[SlotId, cp_model.IntVar]] = {}
        self.cand: dict[Pair, Candidate] = {}
        by_slot: dict[SlotId, list[cp_model.IntVar]] = defaultdict(list)
        by_party_slot: dict[tuple[PartyId, SlotId], list[cp_model.IntVar]] = defaultdict(list)
        by_party: dict[PartyId, list[cp_model.IntVar]] = defaultdict(list)
        for c in candidates:
            slots = [fixed[c.pair]] if c.pair in fixed else problem.common_slots(c)
            if not slots or c.pair in self.x:
                continue
            xs = {s: m.new_bool_var(f"x{c.need}_{c.capability}_{s}") for s in slots}
            self.x[c.pair] = xs
            self.cand[c.pair] = c
            if c.pair in fixed or all_placed:
                m.add_exactly_one(xs.values())
            elif len(xs) > 1:
                m.add_at_most_one(xs.values())
            for s, v in xs.items():
                by_slot[s].append(v)
                for pid in c.parties:
                    by_party_slot[(pid, s)].append(v)
                    by_party[pid].append(v)
        for vs in by_slot.values():
            if len(vs) > problem.usable_tables:
                m.add(sum(vs) <= problem.usable_tables)
        for (pid, s), vs in by_party_slot.items():
            cap = problem.party_by_id[pid].capacity(s)
            if len(vs) > cap:
                m.add(sum(vs) <= cap)
        for pid, vs in by_party.items():
            cap = problem.cap_of(pid)
            if cap is not None and len(vs) > cap:
                m.add(sum(vs) <= cap)
        self.by_party_slot = by_party_slot

    def placed(self, pair: Pair) -> cp_model.LinearExprT:
        return sum(self.x[pair].values()) if pair in self.x else 0

    def must_expr(self, must: Collection[Pair]) -> cp_model.LinearExprT:
        return sum(self.placed(p) for p in self.x if p in must or self.problem.is_accepted(p))

    def coverage_expr(self) -> tuple[cp_model.LinearExprT, int]:
        """Sum over needs of min(meetings, target), and its largest value."""
        targets = need_targets(self.problem, self.problem.min_per_need)
        per_need: dict[int, list[Pair]] = defaultdict(list)
        for p, c in self.cand.items():
            per_need[c.need].append(p)
        terms = []
        for need, pairs in per_need.items():
            t = targets[need]
            if not t:
                continue
            cov = self.model.new_int_var(0, t, f"cov{need}")
            self.model.add(cov <= sum(self.placed(p) for p in pairs))
            terms.append(cov)
        return sum(terms), sum(targets[n] for n in per_need)

    def first_expr(self, must: Collection[Pair]) -> cp_model.LinearExprT:
        """Stage 1 in one objective: every accepted meeting outweighs all coverage."""
        cov, cov_max = self.coverage_expr()
        return (cov_max + 1) * self.must_expr(must) + cov

    def affinity_expr(self) -> cp_model.LinearExprT:
        return sum(self.problem.points(self.cand[p]) * self.placed(p) for p in self.x)

    def idle_expr(self) -> cp_model.LinearExprT:
        """Idle minutes over all parties: a slot in which a party has a representative and no
        meeting, with a meeting of its before and after it in the same session.
        busy = OR of its meetings in the slot; before/after are prefix/suffix ORs of busy, held
        from below only, which the minimisation makes exact."""
        m, p = self.model, self.problem
        sessions: dict[int, list[SlotId]] = defaultdict(list)
        for s in p.slot_order:
            sessions[p.slot_by_id[s].session].append(s)
        parties = {pid for pid, _ in self.by_party_slot}
        terms = []
        for pid in sorted(parties):
            party = p.party_by_id[pid]
            for order in sessions.values():
                busy: list[cp_model.IntVar | int] = []
                for s in order:
                    vs = self.by_party_slot.get((pid, s), [])
                    if not vs:
                        busy.append(0)
                        continue
                    b = m.new_bool_var("")
                    m.add(b <= sum(vs))
                    for v in vs:
                        m.add_implication(v, b)
                    busy.append(b)
                if sum(1 for b in busy if not isinstance(b, int)) < 2:
                    continue
                n = len(order)
                before: list[cp_model.IntVar | int] = [0] * n
                after: list[cp_model.IntVar | int] = [0] * n
                for i in range(1, n):
                    if isinstance(busy[i - 1], int) and isinstance(before[i - 1], int):
                        continue
                    before[i] = m.new_bool_var("")
                    m.add(before[i] >= before[i - 1])
                    m.add(before[i] >= busy[i - 1])
                for i in range(n - 2, -1, -1):
                    if isinstance(busy[i + 1], int) and isinstance(after[i + 1], int):
                        continue
                    after[i] = m.new_bool_var("")
                    m.add(after[i] >= after[i + 1])
                    m.add(after[i] >= busy[i + 1])
                for i, s in enumerate(order):
                    if party.capacity(s) == 0 or isinstance(before[i], int) or isinstance(after[i], int):
                        continue
                    idle = m.new_bool_var("")
                    m.add(idle >= before[i] + after[i] - 1 - busy[i])
                    terms.append(round(p.slot_by_id[s].minutes) * idle)
        return sum(terms)

    def hint(self, slot_of: Mapping[Pair, SlotId]) -> None:
        self.model.clear_hints()
        for pair, xs in self.x.items():
            chosen = slot_of.get(pair)
            for s, v in xs.items():
                self.model.add_hint(v, 1 if s == chosen else 0)

    def read(self, solver: cp_model.CpSolver) -> dict[Pair, SlotId]:
        out: dict[Pair, SlotId] = {}
        for pair, xs in self.x.items():
            for s, v in xs.items():
                if solver.boolean_value(v):
                    out[pair] = s
                    break
        return out


@dataclass
class _Run:
    """One solve: the schedule it leaves (its start, when the solver found nothing), its stage."""

    slot_of: dict[Pair, SlotId]
    stage: Stage


def _solve(model: _Model, name: str, objective: cp_model.LinearExprT, *, maximise: bool,
           start: Mapping[Pair, SlotId], budget: float, options: SolverOptions, gap: float = 0.0,
           keep: bool = True, scale: float = 1.0) -> _Run:
    """Solve for `objective` from the feasible schedule `start`; with `keep`, the value reached
    becomes a constraint of the stages that follow."""
    t0 = time.perf_counter()
    model.hint(start)
    (model.model.maximize if maximise else model.model.minimize)(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, budget)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    if gap:
        solver.parameters.relative_gap_limit = gap
    solver.parameters.log_search_progress = bool(os.environ.get("EVENTS_SOLVER_LOG"))
    code = solver.solve(model.model)
    status = _STATUS.get(code, str(code))
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        slot_of = model.read(solver)
        value, bound = solver.objective_value, solver.best_objective_bound
        if keep:
            model.model.add(objective >= round(value)) if maximise else model.model.add(objective <= round(value))
    else:
        slot_of = dict(start)
        value = bound = float("nan")
    return _Run(slot_of, Stage(name, status, value / scale, bound / scale, time.perf_counter() - t0))


def _budget(deadline: float, share: float) -> float:
    return max(0.0, deadline - time.perf_counter()) * share


def _values(problem: Problem, slot_of: Mapping[Pair, SlotId], must: Collection[Pair]) -> tuple[int, int, int]:
    """The relaxation's three terms for a schedule: must-meetings placed, coverage, affinity points."""
    targets = need_targets(problem, problem.min_per_need)
    per_need: dict[int, int] = defaultdict(int)
    for need, _ in slot_of:
        per_need[need] += 1
    return (sum(1 for p in slot_of if p in must or problem.is_accepted(p)),
            sum(min(k, targets.get(n, 0)) for n, k in per_need.items()),
            sum(problem.points(problem.candidate_by_pair[p]) for p in slot_of))


def _start(problem: Problem, fixed: dict[Pair, SlotId], relaxation: Relaxation, *, deadline: float,
           options: SolverOptions) -> dict[Pair, SlotId]:
    """A feasible schedule close to the relaxation: its meetings given slots by a small CP-SAT
    model (only their variables), then the capacity left filled as `covering_slots` does."""
    chosen = relaxation.pairs | set(fixed)
    order = [c for c in greedy_order(problem) if c.pair in chosen]
    if len(order) == len(fixed):
        return covering_slots(problem, fixed)
    pairs = sorted(order, key=lambda c: c.pair)
    start = greedy_slots(dataclasses.replace(problem, candidates=tuple(order)), fixed)
    model = _Model(problem, pairs, fixed)
    w_cov = sum(problem.points(c) for c in pairs) + 1
    objective = w_cov * model.first_expr(fixed) + model.affinity_expr()
    run = _solve(model, "place", objective, maximise=True, start=start, budget=_budget(deadline, 0.1),
                 options=options, keep=False)
    return covering_slots(problem, fixed, first=run.slot_of)


def _optimise(problem: Problem, fixed: dict[Pair, SlotId], *, deadline: float, options: SolverOptions,
              report: Progress) -> tuple[dict[Pair, SlotId], list[Stage]]:
    """Stages 1-3 of `schedule` around the meetings in `fixed` (which keep their slots)."""
    scale = problem.weights.scale
    stages: list[Stage] = []
    report(0.05, "relaxation")
    relaxation = relax(problem, fixed)
    slot_of = _start(problem, fixed, relaxation, deadline=deadline, options=options)
    bound = (relaxation.accepted, relaxation.coverage, relaxation.points)
    model: _Model | None = None

    def full() -> _Model:
        # every candidate: 30,000 variables for 200 x 300, built only when a search needs it
        nonlocal model
        if model is None:
            model = _Model(problem, list(problem.candidate_by_pair.values()), fixed)
            reached = _values(problem, slot_of, fixed)
            cov, cov_max = model.coverage_expr()
            model.model.add((cov_max + 1) * model.must_expr(fixed) + cov >= (cov_max + 1) * reached[0] + reached[1])
        return model

    report(0.1, "coverage")
    reached = _values(problem, slot_of, fixed)
    if reached[:2] == bound[:2]:
        stages.append(Stage("coverage", "OPTIMAL", reached[1], bound[1], 0.0))
    else:
        m = full()
        run = _solve(m, "coverage", m.first_expr(fixed), maximise=True, start=slot_of,
                     budget=_budget(deadline, 0.25), options=options)
        stages.append(run.stage)
        slot_of = run.slot_of

    report(0.25, "affinity")
    reached = _values(problem, slot_of, fixed)
    if reached == bound:
        stages.append(Stage("affinity", "OPTIMAL", reached[2] / scale, bound[2] / scale, 0.0))
    else:
        m = full()
        run = _solve(m, "affinity", m.affinity_expr(), maximise=True, start=slot_of,
                     budget=_budget(deadline, 0.8 if options.minimise_idle else 1.0), options=options,
                     gap=options.relative_gap, scale=scale)
        stage = run.stage
        if reached[:2] == bound[:2] and stage.status == "FEASIBLE":
            # at the relaxation's coverage, the flow's affinity bounds this stage too: keep the tighter
            stage = dataclasses.replace(stage, bound=min(stage.bound, bound[2] / scale))
        stages.append(stage)
        slot_of = run.slot_of

    if options.minimise_idle and len(slot_of) > len(fixed):
        report(0.8, "idle")
        chosen = [problem.candidate_by_pair[p] for p in slot_of]
        m = _Model(problem, chosen, fixed, all_placed=True)
        run = _solve(m, "idle", m.idle_expr(), maximise=False, start=slot_of, budget=_budget(deadline, 1.0),
                     options=options, keep=False)
        stages.append(run.stage)
        slot_of = run.slot_of
    return slot_of, stages


def _finish(problem: Problem, slot_of: dict[Pair, SlotId], kept: list[Lock], conflicts: list[Issue], *,
            t0: float, stages: list[Stage], previous: Mapping[Pair, Placement] | None = None) -> Schedule:
    affinity = next((s for s in stages if s.name == "affinity"), None) or next((s for s in stages if s.name == "stay"), None)
    solved = affinity is not None and affinity.status in _SOLVED
    prefer = {pair: pl.table for pair, pl in (previous or {}).items() if slot_of.get(pair) == pl.slot}
    placements = seat(problem, slot_of, locks=kept, prefer_table=prefer)
    unplaced, uncovered = diagnose(problem, placements)
    moved: tuple[Pair, ...] = ()
    if previous is not None:
        moved = tuple(sorted(pl.pair for pl in placements if pl.pair in previous
                             and (previous[pl.pair].slot, previous[pl.pair].table) != (pl.slot, pl.table)))
    return Schedule(placements=tuple(placements), metrics=measure(problem, placements),
                    status=affinity.status if solved and affinity else "GREEDY",
                    bound=affinity.bound if solved and affinity and affinity.name == "affinity" else None,
                    seconds=time.perf_counter() - t0, lock_conflicts=tuple(conflicts), unplaced=tuple(unplaced),
                    uncovered=tuple(uncovered), moved=moved, stages=tuple(stages))


def schedule(problem: Problem, *, options: SolverOptions | None = None, progress: Progress | None = None) -> Schedule:
    """The optimised schedule (see the module docstring). Never raises for an infeasible set of
    locks: the locks that clash are reported in `lock_conflicts` and scheduled as accepted meetings
    where they fit. `progress(share_done, stage)` is called from the calling thread between stages."""
    options = options or SolverOptions()
    t0 = time.perf_counter()
    report = progress or (lambda share, stage: None)
    kept, conflicts = check_locks(problem)
    slot_of, stages = _optimise(problem, {lock.pair: lock.slot for lock in kept},
                                deadline=t0 + options.time_limit, options=options, report=report)
    report(1.0, "done")
    return _finish(problem, slot_of, kept, conflicts, t0=t0, stages=stages)


def reschedule(problem: Problem, previous: Sequence[Placement], *, options: SolverOptions | None = None,
               fill: bool = True, progress: Progress | None = None) -> Schedule:
    """Revise `previous` for the changed `problem` (a cancelled meeting is no longer among its
    candidates; availability, locks or acceptances may have changed).

    Lexicographic: keep every previous meeting that is still possible (the accepted ones first);
    then move as few of them as possible (one that stays in its slot keeps its table); then, with
    `fill`, use the freed capacity as `schedule` does (accepted meetings not yet placed, coverage,
    affinity, and the idle time of the new meetings: the kept ones do not move for it). So a
    cancellation alone never moves a meeting."""
    options = options or SolverOptions()
    t0 = time.perf_counter()
    deadline = t0 + options.time_limit
    report = progress or (lambda share, stage: None)
    kept, conflicts = check_locks(problem)
    locked = {lock.pair: lock.slot for lock in kept}
    prev = {pl.pair: pl for pl in previous if pl.pair in problem.candidate_by_pair}
    prev_slot = {pair: pl.slot for pair, pl in prev.items() if pair not in locked}
    core = [c for c in greedy_order(problem) if c.pair in prev or c.pair in locked]
    start = greedy_slots(dataclasses.replace(problem, candidates=tuple(core)), locked, first=prev_slot)
    model = _Model(problem, core, locked)
    stages: list[Stage] = []

    report(0.05, "keep")
    keep = ((len(prev) + 1) * sum(model.placed(p) for p in prev if problem.is_accepted(p))
            + sum(model.placed(p) for p in prev))
    run = _solve(model, "keep", keep, maximise=True, start=start, budget=_budget(deadline, 0.2), options=options)
    stages.append(run.stage)
    report(0.15, "moves")
    stay = sum(model.x[p][s] for p, s in prev_slot.items() if p in model.x and s in model.x[p])
    run = _solve(model, "stay", stay, maximise=True, start=run.slot_of, budget=_budget(deadline, 0.25), options=options)
    stages.append(run.stage)
    slot_of = run.slot_of
    if fill:
        slot_of, more = _optimise(problem, dict(slot_of), deadline=deadline, options=options,
                                  report=lambda share, stage: report(0.3 + 0.7 * share, stage))
        stages.extend(more)
    report(1.0, "done")
    return _finish(problem, slot_of, kept, conflicts, t0=t0, stages=stages, previous=prev)
