"""The scheduling problem and its answer as plain data (no ORM, no solver).

An event has time slots (each in a session), a number of tables and a share of them kept free
for meetings arranged on the day. Parties are the organisations taking part; each sends one or
more representatives, each available in some slots, so a party can hold as many meetings at once
as it has representatives available then. A candidate is a pair (need, capability) of two parties'
listings with its match score and the interest either side expressed; accepted candidates are
meetings both sides agreed to, and a lock pins an accepted meeting to a (slot, table).

What the engine reports (a meeting it could not place, a lock that clashes, a need left without a
meeting) is an `Issue`: a code and its parameters, rendered in the reader's language by the site.
"""
from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

SlotId = int
PartyId = int
ListingId = int
Pair = tuple[ListingId, ListingId]  # (need, capability)


class Interest(enum.Enum):
    NONE = "none"
    ONE_SIDED = "one_sided"
    MUTUAL = "mutual"


def spare_tables_for(tables: int, share: float) -> int:
    """Tables kept free in every slot: the share of the tables, rounded up."""
    return min(tables, math.ceil(tables * share - 1e-9))


@dataclass(frozen=True)
class Weights:
    """Affinity of a pair = match score + a bonus for the interest the parties expressed.
    Scores are in (0, 1); the solver works on integers, `scale` per unit of affinity."""

    one_sided: float = 0.15
    mutual: float = 0.35
    scale: int = 1000

    def affinity(self, score: float, interest: Interest) -> float:
        bonus = {Interest.NONE: 0.0, Interest.ONE_SIDED: self.one_sided, Interest.MUTUAL: self.mutual}[interest]
        return max(0.0, score) + bonus

    def points(self, score: float, interest: Interest) -> int:
        return round(self.affinity(score, interest) * self.scale)


@dataclass(frozen=True)
class Slot:
    id: SlotId
    session: int
    start: datetime
    end: datetime

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


@dataclass(frozen=True)
class Representative:
    id: int
    available: frozenset[SlotId]


@dataclass(frozen=True)
class Party:
    """An organisation taking part. `max_meetings` overrides the event's cap for this party."""

    id: PartyId
    representatives: tuple[Representative, ...]
    max_meetings: int | None = None

    @cached_property
    def _capacity(self) -> dict[SlotId, int]:
        cap: dict[SlotId, int] = {}
        for rep in self.representatives:
            for s in rep.available:
                cap[s] = cap.get(s, 0) + 1
        return cap

    def capacity(self, slot: SlotId) -> int:
        """How many meetings the party can hold at once in `slot` (its representatives there)."""
        return self._capacity.get(slot, 0)


@dataclass(frozen=True)
class Candidate:
    need: ListingId
    capability: ListingId
    need_party: PartyId
    capability_party: PartyId
    score: float
    interest: Interest = Interest.NONE
    accepted: bool = False

    @property
    def pair(self) -> Pair:
        return (self.need, self.capability)

    @property
    def parties(self) -> tuple[PartyId, PartyId]:
        return (self.need_party, self.capability_party)


@dataclass(frozen=True)
class Lock:
    pair: Pair
    slot: SlotId
    table: int


@dataclass(frozen=True)
class Problem:
    """One event to schedule. Tables are numbered 1..tables.

    max_meetings: k, the most meetings one party holds (None: no cap beyond its time).
    min_per_need: m, the meetings each need should get where it has candidates (coverage).
    needs: the needs registered at the event; one without any candidate is reported uncovered.
    """

    slots: tuple[Slot, ...]
    tables: int
    parties: tuple[Party, ...]
    candidates: tuple[Candidate, ...]
    locks: tuple[Lock, ...] = ()
    spare_share: float = 0.0
    max_meetings: int | None = None
    min_per_need: int = 1
    needs: frozenset[ListingId] = frozenset()
    weights: Weights = field(default_factory=Weights)

    @cached_property
    def spare_tables(self) -> int:
        return spare_tables_for(self.tables, self.spare_share)

    @cached_property
    def usable_tables(self) -> int:
        return self.tables - self.spare_tables

    @cached_property
    def slot_by_id(self) -> dict[SlotId, Slot]:
        return {s.id: s for s in self.slots}

    @cached_property
    def slot_order(self) -> list[SlotId]:
        return [s.id for s in sorted(self.slots, key=lambda s: (s.start, s.id))]

    @cached_property
    def party_by_id(self) -> dict[PartyId, Party]:
        return {p.id: p for p in self.parties}

    @cached_property
    def candidate_by_pair(self) -> dict[Pair, Candidate]:
        """The first candidate of each pair (a pair meets at most once)."""
        out: dict[Pair, Candidate] = {}
        for c in self.candidates:
            out.setdefault(c.pair, c)
        return out

    @cached_property
    def all_needs(self) -> frozenset[ListingId]:
        return self.needs | {c.need for c in self.candidates}

    def cap_of(self, party: PartyId) -> int | None:
        p = self.party_by_id.get(party)
        if p is not None and p.max_meetings is not None:
            return p.max_meetings
        return self.max_meetings

    def points(self, c: Candidate) -> int:
        return self.weights.points(c.score, c.interest)

    def is_accepted(self, pair: Pair) -> bool:
        c = self.candidate_by_pair.get(pair)
        return (c is not None and c.accepted) or pair in self.locked_pairs

    @cached_property
    def locked_pairs(self) -> frozenset[Pair]:
        return frozenset(lock.pair for lock in self.locks)

    def common_slots(self, c: Candidate) -> list[SlotId]:
        """The slots (in time order) in which both parties have a representative."""
        a, b = self.party_by_id.get(c.need_party), self.party_by_id.get(c.capability_party)
        if a is None or b is None or a.id == b.id:
            return []
        return [s for s in self.slot_order if a.capacity(s) > 0 and b.capacity(s) > 0]


@dataclass(frozen=True)
class Placement:
    """A meeting in the schedule, with the representative of each side who attends."""

    need: ListingId
    capability: ListingId
    slot: SlotId
    table: int
    need_rep: int
    capability_rep: int
    accepted: bool = False
    locked: bool = False

    @property
    def pair(self) -> Pair:
        return (self.need, self.capability)


@dataclass(frozen=True)
class Issue:
    """Something the engine reports rather than fails on: a code and its parameters.

    Codes: lock_* (a lock that cannot be kept, with the locks it clashes with); unplaced:
    party_not_registered, no_common_slot, party_at_cap, no_free_slot, not_selected; uncovered:
    no_candidates, no_common_slot, party_at_cap, counterparts_at_cap, no_capacity."""

    code: str
    pair: Pair | None = None
    need: ListingId | None = None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    """One solve of the lexicographic sequence."""

    name: str
    status: str
    objective: float
    bound: float
    seconds: float


@dataclass(frozen=True)
class Metrics:
    meetings: int
    affinity: float
    needs: int               # needs that have at least one candidate
    needs_covered: int       # of those, how many got min(m, their candidates) meetings
    idle_minutes: float      # mean over parties with a meeting
    idle_slots: float

    @property
    def coverage(self) -> float:
        return self.needs_covered / self.needs if self.needs else 1.0


@dataclass(frozen=True)
class Schedule:
    """The answer. `status` is the solver's status of the affinity stage (OPTIMAL, FEASIBLE),
    or GREEDY when the greedy schedule was kept (the solver found nothing better in time).
    `bound` is the solver's upper bound on the total affinity given the coverage reached."""

    placements: tuple[Placement, ...]
    metrics: Metrics
    status: str
    bound: float | None = None
    seconds: float = 0.0
    lock_conflicts: tuple[Issue, ...] = ()
    unplaced: tuple[Issue, ...] = ()
    uncovered: tuple[Issue, ...] = ()
    moved: tuple[Pair, ...] = ()
    stages: tuple[Stage, ...] = ()
