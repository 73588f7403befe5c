"""Random small events for the engine's property tests."""
from datetime import datetime, timedelta

from hypothesis import strategies as st

from events.engine import Candidate, Interest, Lock, Party, Problem, Representative, Slot, SolverOptions

# small events solve in milliseconds; one worker keeps the search deterministic
FAST = SolverOptions(time_limit=5, workers=1)
DAY = datetime(2025, 11, 20, 9, 0)
LIKELY = st.integers(0, 3).map(bool)           # true three times in four
UNLIKELY = st.integers(0, 3).map(lambda i: i == 0)


@st.composite
def events(draw, *, locks: bool = True, min_m: int = 0) -> Problem:
    sessions = draw(st.integers(1, 2))
    slots = []
    for sess in range(sessions):
        for i in range(draw(st.integers(1, 4))):
            start = DAY + timedelta(hours=4 * sess, minutes=20 * i)
            slots.append(Slot(id=len(slots) + 1, session=sess + 1, start=start, end=start + timedelta(minutes=20)))
    slot_ids = [s.id for s in slots]
    n_need_parties = draw(st.integers(1, 4))
    n_cap_parties = draw(st.integers(1, 4))
    parties = []
    for pid in range(1, n_need_parties + n_cap_parties + 1):
        reps = tuple(Representative(id=r, available=frozenset(s for s in slot_ids if draw(LIKELY)))
                     for r in range(1, draw(st.integers(1, 2)) + 1))
        cap = draw(st.integers(0, 3)) if draw(UNLIKELY) else None
        parties.append(Party(id=pid, representatives=reps, max_meetings=cap))
    needs = {n: draw(st.integers(1, n_need_parties)) for n in range(1, draw(st.integers(1, 5)) + 1)}
    caps = {100 + c: draw(st.integers(n_need_parties + 1, n_need_parties + n_cap_parties))
            for c in range(1, draw(st.integers(1, 5)) + 1)}
    every = [(n, c) for n in sorted(needs) for c in sorted(caps)]
    pairs = [pr for pr in every if draw(LIKELY)]
    candidates = tuple(
        Candidate(need=n, capability=c, need_party=needs[n], capability_party=caps[c],
                  score=draw(st.floats(0.05, 1.0)), interest=draw(st.sampled_from(list(Interest))),
                  accepted=draw(UNLIKELY))
        for n, c in sorted(pairs))
    lock_list = ()
    if locks and candidates:
        # a lock may name a slot or a table that does not exist, or clash: the engine reports it
        lock_list = tuple(Lock(pair=draw(st.sampled_from(candidates)).pair, slot=draw(st.integers(1, len(slots) + 1)),
                               table=draw(st.integers(1, 4)))
                          for _ in range(draw(st.integers(0, 3))))
    return Problem(slots=tuple(slots), tables=draw(st.integers(1, 4)), parties=tuple(parties), candidates=candidates,
                   locks=lock_list, spare_share=draw(st.sampled_from([0.0, 0.25, 0.5])),
                   max_meetings=draw(st.one_of(st.none(), st.integers(1, 3))),
                   min_per_need=draw(st.integers(min_m, 2)), needs=frozenset(needs) | {99})
