"""The engine's plain data: a listing as ranking sees it, the facts read from it, and the two
together, prepared once per listing (no ORM; matching.adapters builds these from the models)."""
from __future__ import annotations

from dataclasses import dataclass

from core.side import Side


@dataclass(frozen=True)
class Facts:
    """Requirements (of a need) or properties (of an offering), as (aspect, value) pairs.

    Need aspects: certification (minimum class, 1 = any registration), on_premise, cloud,
    non_invasive, no_wearable, no_camera, systems (names), turnaround_h.
    Offering aspects: certification (class held, 0 = explicitly none), on_premise (True/False),
    invasive, wearable, camera (True/False), systems, turnaround_h.
    """

    values: tuple[tuple[str, object], ...] = ()

    def get(self, key: str, default=None):
        for k, v in self.values:
            if k == key:
                return v
        return default


@dataclass(frozen=True)
class Listing:
    """What ranking needs to know of one listing."""

    id: int | str
    side: Side  # SCENARIO (a need) or CAPABILITY (an offering)
    title: str
    description: str
    field: str = ""
    province: str = ""
    city: str = ""
    language: str = ""
    deployment: str = "either"
    certification: str = "none"  # a need: the one it requires; an offering: the one it holds
    extra: str = ""              # more text of an offering (reference deployments)

    @property
    def text(self) -> str:
        return "\n".join(p for p in (self.title, self.description, self.extra) if p)


@dataclass(frozen=True)
class Prepared:
    """A listing with its lexical terms and facts (derived once; terms are stored per listing)."""

    listing: Listing
    terms: tuple[str, ...]
    facts: Facts
