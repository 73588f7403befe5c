"""What a person reads about a match: the stored explanation (matching.engine.ranking.explain) turned
into labels and sentences in the reader's language.

The engine stores its explanation in English and in data terms (aspect codes, "met",
"city"); this module translates it at display time, so every user reads it in their own
language and a stored explanation never needs rewriting when the interface changes. Details the
engine writes in a form this module does not know are shown as stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.side import CAPABILITY, SCENARIO, Side

from .models import Match

ASPECT_LABELS = {
    "certification": gettext_lazy("Device registration"),
    "on_premise": gettext_lazy("On-premise deployment (data stays in the hospital)"),
    "non_invasive": gettext_lazy("Non-invasive"),
    "no_wearable": gettext_lazy("Nothing to wear"),
    "no_camera": gettext_lazy("No cameras"),
    "systems": gettext_lazy("Integration with hospital systems"),
    "turnaround_h": gettext_lazy("Turnaround time"),
}
STATUS_LABELS = {
    "met": gettext_lazy("Met"),
    "not_met": gettext_lazy("Not met"),
    "unknown": gettext_lazy("Not stated"),
}
_FIXED_DETAILS = {
    "not stated": gettext_lazy("the offering does not say"),
    "can be deployed on-premise": gettext_lazy("can be deployed on-premise"),
    "cloud only": gettext_lazy("cloud only"),
    "invasive / implanted": gettext_lazy("invasive or implanted"),
    "non-invasive": gettext_lazy("non-invasive"),
    "must be worn": gettext_lazy("must be worn"),
    "nothing to wear": gettext_lazy("nothing to wear"),
    "uses cameras": gettext_lazy("uses cameras"),
    "no cameras": gettext_lazy("no cameras"),
}
_CERT = re.compile(r"^needs (?:class (?P<need>I+) or higher|a registration); "
                   r"(?:(?P<unknown>the offering does not say)|holds class (?P<held>I+)|(?P<none>holds none))$")
_TURNAROUND = re.compile(r"^needs ≤ (?P<need>[\d.]+) h; (?:(?P<unknown>not stated)|(?P<have>[\d.]+) h)$")
_SYSTEMS_MISSING = re.compile(r"^(?P<names>.+) not mentioned$")


def _class_name(roman: str) -> str:
    return {"I": _("class I"), "II": _("class II"), "III": _("class III")}.get(roman, roman)


def requirement_detail(aspect: str, detail: str) -> str:
    """The engine's detail of one requirement check, in the active language."""
    detail = (detail or "").strip()
    if detail in _FIXED_DETAILS:
        return str(_FIXED_DETAILS[detail])
    if aspect == "certification" and (m := _CERT.match(detail)):
        need = (_("needs %(cls)s or higher") % {"cls": _class_name(m["need"])} if m["need"]
                else _("needs a registration"))
        if m["unknown"]:
            have = _("the offering does not say")
        elif m["none"]:
            have = _("holds none")
        else:
            have = _("holds %(cls)s") % {"cls": _class_name(m["held"])}
        return f"{need}; {have}"
    if aspect == "turnaround_h" and (m := _TURNAROUND.match(detail)):
        need = _("needs at most %(h)s hours") % {"h": m["need"]}
        have = _("not stated") if m["unknown"] else _("takes %(h)s hours") % {"h": m["have"]}
        return f"{need}; {have}"
    if aspect == "systems" and (m := _SYSTEMS_MISSING.match(detail)):
        return _("%(names)s not mentioned") % {"names": m["names"]}
    return detail


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2tw")


def _script(term: str) -> str:
    """Shared terms are stored in Simplified script; Traditional readers get them converted."""
    lang = (translation.get_language() or "").lower()
    if lang in ("zh-hant", "zh-tw", "zh-hk", "zh-mo"):
        return _s2t().convert(term)
    return term


@dataclass
class Requirement:
    aspect: str
    status: str
    label: str
    status_label: str
    detail: str


@dataclass
class Explanation:
    """A match seen from one side: the score of that direction and the reasons."""

    score: float
    rank: int | None
    shared_terms: list[str] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    field_match: bool = False
    region_match: str = ""
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def met(self) -> int:
        return sum(1 for r in self.requirements if r.status == "met")

    @property
    def not_met(self) -> int:
        return sum(1 for r in self.requirements if r.status == "not_met")

    @property
    def field_label(self) -> str:
        return _("Same field") if self.field_match else _("Different field")

    @property
    def region_label(self) -> str:
        if self.region_match == "city":
            return _("Same city")
        if self.region_match == "province":
            return _("Same province")
        return _("Different or unstated region")

    @property
    def summary(self) -> str:
        """One sentence a reader can take in at a glance."""
        bits = []
        if self.shared_terms:
            n = len(self.shared_terms)
            bits.append(ngettext("%(n)d shared key term", "%(n)d shared key terms", n) % {"n": n})
        if self.requirements:
            bits.append(_("Meets %(met)d of %(total)d stated requirements")
                        % {"met": self.met, "total": len(self.requirements)})
        bits += [self.field_label, self.region_label]
        return " · ".join(bits)


def explanation_for(match: Match, *, side: Side | None = None) -> Explanation:
    """The match seen from `side` (SCENARIO: in the need's candidate list), or in its best
    direction when side is None (officers' queue)."""
    if side is None:
        side = SCENARIO if (match.s2c_score or 0) >= (match.c2s_score or 0) else CAPABILITY
    prefix = side.prefix
    score = getattr(match, f"{prefix}_score")
    rank = getattr(match, f"{prefix}_rank")
    data = match.explanation or {}
    requirements = []
    for item in data.get("requirements") or []:
        aspect = item.get("aspect", "")
        status = item.get("status", "unknown")
        requirements.append(Requirement(
            aspect=aspect, status=status,
            label=str(ASPECT_LABELS.get(aspect, item.get("label", aspect))),
            status_label=str(STATUS_LABELS.get(status, status)),
            detail=requirement_detail(aspect, item.get("detail", "")),
        ))
    parts = (match.parts or {}).get(prefix) or {}
    return Explanation(
        score=score if score is not None else match.score, rank=rank,
        shared_terms=[_script(t) for t in data.get("shared_terms") or []],
        requirements=requirements, field_match=bool(data.get("field_match")),
        region_match=data.get("region_match") or "", parts=parts,
    )


@dataclass
class Card:
    """One match as a page shows it: the match, the listing on the other side (for a side's
    view), the explanation, and the interest shown."""

    match: Match
    ex: Explanation
    other: object = None
    interests: list = field(default_factory=list)
    mine: object = None     # the viewer's organisation's MatchInterest, if any
    theirs: bool = False    # whether the other side showed interest

    @property
    def open(self) -> bool:
        """Still undecided: interest can be expressed, an officer can approve or reject."""
        return self.match.status in ("suggested", "shortlisted")

    @property
    def introduced(self) -> bool:
        """Approved or later: both sides see each other's contacts."""
        from .selectors import CONTACT_VISIBLE

        return self.match.status in CONTACT_VISIBLE


def candidate_cards(matches, *, side: Side, org_ids: set[int]) -> list[Card]:
    """Cards for the candidates of a listing of `side`, seen by members of `org_ids`."""
    from .selectors import match_interests

    matches = list(matches)
    interests = match_interests(match_ids=[m.pk for m in matches])
    cards = []
    for m in matches:
        other = getattr(m, side.other.fk)
        shown = interests.get(m.pk, [])
        mine = next((i for i in shown if i.organization_id in org_ids), None)
        theirs = any(i.organization_id == other.organization_id for i in shown)
        cards.append(Card(match=m, ex=explanation_for(m, side=side), other=other, interests=shown,
                          mine=mine, theirs=theirs))
    return cards


def queue_cards(matches) -> list[Card]:
    """Cards for officers: each match with its best direction's explanation and all interest."""
    from .selectors import match_interests

    matches = list(matches)
    interests = match_interests(match_ids=[m.pk for m in matches])
    return [Card(match=m, ex=explanation_for(m), interests=interests.get(m.pk, [])) for m in matches]
