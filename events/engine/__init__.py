"""Event scheduling and introduction rounds: pure code over plain data (no Django).

    from events.engine import Problem, schedule, reschedule, greedy_schedule, assign_round
"""
from .assign import check_locks, seat
from .check import diagnose, measure, violations
from .greedy import greedy_schedule
from .model import (
                    Candidate,
                    Interest,
                    Issue,
                    Lock,
                    Metrics,
                    Pair,
                    Party,
                    Placement,
                    Problem,
                    Representative,
                    Schedule,
                    Slot,
                    Stage,
                    Weights,
)
from .rounds import Edge, Round, assign_round, greedy_round
from .solver import SolverOptions, reschedule, schedule

__all__ = [
    "Candidate", "Edge", "Interest", "Issue", "Lock", "Metrics", "Pair", "Party", "Placement", "Problem",
    "Representative", "Round", "Schedule", "Slot", "SolverOptions", "Stage", "Weights", "assign_round",
    "check_locks", "diagnose", "greedy_round", "greedy_schedule", "measure", "reschedule", "schedule",
    "seat", "violations",
]
