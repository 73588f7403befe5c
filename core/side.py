"""The two sides of the platform: needs (场景机会) and capabilities (供给能力).

Everything that differs between them is one `Side` value: its name in URLs, tasks and the API,
its model and transition model, the embedding role, the prefix of its direction's fields on a
match, the match's foreign key to it, and the other side. Code asks the side (`side.model`,
`side.other`, `side.is_need`) instead of comparing kind strings. A URL converter turns
`<side:side>` into a Side, so views receive one; tasks, which take JSON, pass `side.kind`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import NotFound


@dataclass(frozen=True, eq=False)
class Side:
    kind: str            # "scenario" or "capability": URLs, task arguments, the API's `kind`
    is_need: bool
    app_label: str
    model_name: str
    role: str            # how the embedder reads its text: e5 "query" (needs) or "passage"
    prefix: str          # its direction's fields on a Match: s2c_* (a need's list) or c2s_*
    fk: str              # the Match foreign key to a listing of this side
    letter: str          # first letter of its public reference (S00042, C00017)
    label: Promise       # as the pages name it
    plural: Promise
    list_name: str       # the word a published provincial list uses in its "type" column

    def __str__(self) -> str:
        return self.kind

    def __repr__(self) -> str:
        return f"Side({self.kind})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (side_of, (self.kind,))

    @property
    def model(self) -> Any:
        return apps.get_model(self.app_label, self.model_name)

    @property
    def transition_model(self) -> Any:
        return self.model._meta.get_field("transitions").related_model

    @property
    def other(self) -> Side:
        return CAPABILITY if self.is_need else SCENARIO

    @property
    def fk_id(self) -> str:
        return f"{self.fk}_id"

    def pair(self, own_id: int, other_id: int) -> tuple[int, int]:
        """(need id, capability id) of a pair seen from this side."""
        return (own_id, other_id) if self.is_need else (other_id, own_id)


SCENARIO = Side(kind="scenario", is_need=True, app_label="scenarios", model_name="Scenario", role="query",
                prefix="s2c", fk="scenario", letter="S", label=_("Scenario opportunity"),
                plural=_("Scenario opportunities"), list_name="场景机会")
CAPABILITY = Side(kind="capability", is_need=False, app_label="suppliers", model_name="Capability",
                  role="passage", prefix="c2s", fk="capability", letter="C", label=_("Supply capability"),
                  plural=_("Supply capabilities"), list_name="供给能力")
SIDES: tuple[Side, Side] = (SCENARIO, CAPABILITY)
_BY_KIND = {s.kind: s for s in SIDES}


def side_of(kind: str | Side) -> Side:
    """The side named `kind` ("scenario" or "capability"); NotFound for anything else."""
    if isinstance(kind, Side):
        return kind
    side = _BY_KIND.get(kind) if isinstance(kind, str) else None
    if side is None:
        raise NotFound(_("Unknown listing type."))
    return side


def side_of_list_name(name: str) -> Side | None:
    """The side whose published-list word is `name` (场景机会 / 供给能力), or None."""
    return next((s for s in SIDES if s.list_name == name), None)


class SideConverter:
    """`<side:side>` in URL patterns: the kind in the path, a Side in the view."""

    regex = "scenario|capability"

    def to_python(self, value: str) -> Side:
        return _BY_KIND[value]

    def to_url(self, value: Side | str) -> str:
        return side_of(value).kind
