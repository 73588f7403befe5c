"""Introduction rounds: the min-cost flow against brute force on small lists, and against greedy."""
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from events.engine import Edge, assign_round, greedy_round
from events.engine.rounds import SCALE


@st.composite
def lists(draw):
    needs = draw(st.integers(1, 4))
    caps = draw(st.integers(1, 4))
    pairs = draw(st.sets(st.tuples(st.integers(1, needs), st.integers(101, 100 + caps)), min_size=1, max_size=9))
    return [Edge(n, c, draw(st.floats(0.01, 1.0))) for n, c in sorted(pairs)]


def feasible(chosen, m, k):
    per_need, per_cap = {}, {}
    for e in chosen:
        per_need[e.need] = per_need.get(e.need, 0) + 1
        per_cap[e.capability] = per_cap.get(e.capability, 0) + 1
    return all(v <= m for v in per_need.values()) and all(v <= k for v in per_cap.values())


def value(chosen):
    """What the round maximises: needs covered, then the total score (in the flow's integer units)."""
    return (len({e.need for e in chosen}), sum(max(1, round(e.score * SCALE)) for e in chosen))


@settings(max_examples=60, deadline=None)
@given(lists(), st.integers(1, 3), st.integers(1, 3))
def test_assign_round_is_the_optimum_of_brute_force(edges, m, k):
    best = max(value(sub) for r in range(len(edges) + 1) for sub in combinations(edges, r) if feasible(sub, m, k))
    result = assign_round(edges, per_need=m, per_capability=k)
    assert feasible(result.pairs, m, k)
    assert value(result.pairs) == best


@settings(max_examples=60, deadline=None)
@given(lists(), st.integers(1, 3), st.integers(1, 3))
def test_assign_round_covers_at_least_as_many_needs_as_greedy(edges, m, k):
    ours, greedy = assign_round(edges, per_need=m, per_capability=k), greedy_round(edges, per_need=m, per_capability=k)
    assert feasible(greedy.pairs, m, k)
    assert ours.needs_covered >= greedy.needs_covered
    if ours.needs_covered == greedy.needs_covered:
        assert ours.total >= greedy.total - 1e-3


def test_assign_round_gives_a_popular_capability_to_the_need_without_an_alternative():
    edges = [Edge(1, 101, 0.9), Edge(2, 101, 0.8), Edge(1, 102, 0.7)]
    assert {(e.need, e.capability) for e in greedy_round(edges, per_need=1, per_capability=1).pairs} == {(1, 101)}
    result = assign_round(edges, per_need=1, per_capability=1)
    assert {(e.need, e.capability) for e in result.pairs} == {(2, 101), (1, 102)}
    assert result.coverage == 1.0


def test_capability_caps_override_k_and_duplicate_pairs_count_once():
    edges = [Edge(1, 101, 0.9), Edge(1, 101, 0.95), Edge(2, 101, 0.8), Edge(3, 101, 0.7)]
    result = assign_round(edges, per_need=2, per_capability=3, capability_caps={101: 1})
    assert [(e.need, e.score) for e in result.pairs] == [(1, 0.95)]
    assert assign_round([], per_need=2, per_capability=2).pairs == ()
