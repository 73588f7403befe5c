"""Synthetic events for the benchmark and the demo (seeded, so every run sees the same event).

Shaped like the events the site serves: needs and capabilities owned by organisations that post
one to three listings each; each need has about `candidates_per_need` capabilities above the
score floor, drawn with a popularity skew (a few capabilities are candidates for many needs, as
a few products are on every list); scores skewed towards the floor; some parties come late,
leave early or have a hole in their afternoon, some bring a second representative; a few pairs
have expressed interest, a few meetings were requested and accepted, a few accepted ones locked.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from .model import Candidate, Interest, Lock, Party, Problem, Representative, Slot
from .rounds import Edge


def _owners(rng: random.Random, n: int, first_id: int) -> list[int]:
    """Owner party of each of n listings: parties with one to three listings each."""
    owners: list[int] = []
    pid = first_id
    while len(owners) < n:
        owners.extend([pid] * rng.choice((1, 1, 1, 2, 2, 3)))
        pid += 1
    return owners[:n]


def _availability(rng: random.Random, slots: list[int]) -> frozenset[int]:
    n = len(slots)
    r = rng.random()
    if r < 0.15:  # comes late
        return frozenset(slots[rng.randint(1, n // 3):])
    if r < 0.30:  # leaves early
        return frozenset(slots[:rng.randint(2 * n // 3, n - 1)])
    if r < 0.40:  # another appointment in between
        hole = rng.randrange(n)
        return frozenset(s for i, s in enumerate(slots) if abs(i - hole) > 0)
    return frozenset(slots)


def _scores(rng: random.Random, needs: int, capabilities: int, per_need: int, floor: float) -> list[tuple[int, int, float]]:
    popularity = [1.0 / (1 + i) ** 0.7 for i in range(capabilities)]
    rng.shuffle(popularity)
    out = []
    for n in range(needs):
        k = max(1, min(capabilities, round(rng.gauss(per_need, per_need / 4))))
        chosen: set[int] = set()
        while len(chosen) < k:
            chosen.update(rng.choices(range(capabilities), weights=popularity, k=k - len(chosen)))
        for c in sorted(chosen):
            out.append((n, c, round(floor + (1 - floor) * rng.betavariate(1.6, 4.0), 4)))
    return out


def synthetic_event(*, needs: int = 200, capabilities: int = 300, start: datetime | None = None,
                    hours: float = 3.0, slot_minutes: int = 20, tables: int = 30, spare_share: float = 0.1,
                    max_meetings: int = 4, min_per_need: int = 1, candidates_per_need: int = 20,
                    floor: float = 0.35, accepted: int = 40, locks: int = 6, seed: int = 7) -> Problem:
    rng = random.Random(seed)
    start = start or datetime(2025, 11, 20, 14, 0)
    n_slots = int(hours * 60 // slot_minutes)
    slots = tuple(Slot(id=i + 1, session=1, start=start + timedelta(minutes=i * slot_minutes),
                       end=start + timedelta(minutes=(i + 1) * slot_minutes)) for i in range(n_slots))
    slot_ids = [s.id for s in slots]
    need_owner = _owners(rng, needs, 1)
    cap_owner = _owners(rng, capabilities, need_owner[-1] + 1)
    party_ids = sorted(set(need_owner) | set(cap_owner))
    parties = []
    for pid in party_ids:
        reps = [Representative(id=pid * 10 + 1, available=_availability(rng, slot_ids))]
        if rng.random() < 0.2:
            reps.append(Representative(id=pid * 10 + 2, available=_availability(rng, slot_ids)))
        parties.append(Party(id=pid, representatives=tuple(reps)))
    cands = []
    for n, c, score in _scores(rng, needs, capabilities, candidates_per_need, floor):
        r = rng.random() * (0.5 + score)
        interest = Interest.MUTUAL if r > 1.22 else Interest.ONE_SIDED if r > 1.0 else Interest.NONE
        cands.append(Candidate(need=n + 1, capability=10_000 + c + 1, need_party=need_owner[n],
                               capability_party=cap_owner[c], score=score, interest=interest))
    # the accepted meetings: mostly pairs with interest, as requests follow interest
    order = sorted(range(len(cands)), key=lambda i: (cands[i].interest == Interest.NONE, rng.random()))
    for i in order[:accepted]:
        c = cands[i]
        cands[i] = Candidate(c.need, c.capability, c.need_party, c.capability_party, c.score, c.interest, accepted=True)
    problem = Problem(slots=slots, tables=tables, parties=tuple(parties), candidates=tuple(cands),
                      spare_share=spare_share, max_meetings=max_meetings, min_per_need=min_per_need,
                      needs=frozenset(range(1, needs + 1)))
    lock_list: list[Lock] = []
    used: set[tuple[int, int]] = set()
    busy: set[tuple[int, int]] = set()
    for i in order[:accepted]:
        if len(lock_list) >= locks:
            break
        c = cands[i]
        common = [s for s in problem.common_slots(c) if all((p, s) not in busy for p in c.parties)]
        if not common:
            continue
        s = rng.choice(common)
        table = next(t for t in range(1, tables + 1) if (s, t) not in used)
        used.add((s, table))
        busy.update((p, s) for p in c.parties)
        lock_list.append(Lock(pair=c.pair, slot=s, table=table))
    return Problem(slots=slots, tables=tables, parties=tuple(parties), candidates=tuple(cands),
                   locks=tuple(lock_list), spare_share=spare_share, max_meetings=max_meetings,
                   min_per_need=min_per_need, needs=frozenset(range(1, needs + 1)))


def synthetic_edges(*, needs: int = 2000, capabilities: int = 3000, candidates_per_need: int = 20,
                    floor: float = 0.35, seed: int = 11) -> list[Edge]:
    rng = random.Random(seed)
    return [Edge(need=n + 1, capability=100_000 + c + 1, score=s)
            for n, c, s in _scores(rng, needs, capabilities, candidates_per_need, floor)]
