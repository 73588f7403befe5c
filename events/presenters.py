"""What a person reads about a schedule: the engine's issues (a code and its parameters,
stored as data on the job) rendered as sentences in the reader's language."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from scenarios.models import Scenario
from suppliers.models import Capability

from .models import Event, Slot

_TEXTS = {
    # locks that cannot hold
    "lock_unknown_pair": lambda p: _("The locked meeting %(pair)s is not a meeting of this event.") % p,
    "lock_duplicate": lambda p: _("%(pair)s is locked twice.") % p,
    "lock_unknown_slot": lambda p: _("%(pair)s is locked to a time the event no longer has.") % p,
    "lock_unknown_table": lambda p: _("%(pair)s is locked to table %(table)s; the event has %(tables)s tables.") % p,
    "lock_same_party": lambda p: _("%(pair)s is between two listings of the same organisation.") % p,
    "lock_party_not_registered": lambda p: _("%(pair)s: %(party)s has not registered.") % p,
    "lock_party_unavailable": lambda p: _("%(pair)s is locked at %(slot)s, when %(party)s is not available.") % p,
    "lock_table_taken": lambda p: _("%(pair)s is locked to table %(table)s at %(slot)s, where %(others)s is "
                                    "locked already.") % p,
    "lock_party_busy": lambda p: _("%(pair)s is locked at %(slot)s, when %(party)s is locked in %(others)s "
                                   "with all its representatives.") % p,
    "lock_party_at_cap": lambda p: _("%(pair)s would give %(party)s more than %(cap)s meetings (locked: "
                                     "%(others)s).") % p,
    "lock_spare_tables": lambda p: _("%(pair)s is locked at %(slot)s, when the %(usable)s tables outside the "
                                     "spare share are locked already (%(others)s).") % p,
    # accepted meetings not placed
    "party_not_registered": lambda p: _("%(subject)s: %(party)s has not registered.") % p,
    "no_common_slot": lambda p: _("%(subject)s: the two sides are never available at the same time.") % p,
    "party_at_cap": lambda p: _("%(subject)s: %(party)s already has its %(cap)s meetings.") % p,
    "no_free_slot": lambda p: _("%(subject)s: every time both sides are available is taken (tables or "
                                "their representatives).") % p,
    "not_selected": lambda p: _("%(subject)s: the solver's time ran out before it was placed.") % p,
    # needs without their meetings
    "no_candidates": lambda p: _("%(subject)s has no candidate among the registered organisations.") % p,
    "counterparts_at_cap": lambda p: _("%(subject)s: its candidates already have all their meetings.") % p,
    "no_capacity": lambda p: _("%(subject)s: the tables and the time went to meetings of higher affinity.") % p,
}


class Names:
    """Names for the ids in issues: listings, organisations, slots of one event (loaded once)."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self._needs: dict[int, str] | None = None

    def _load(self) -> None:
        rows = list(self.event.listings.select_related("scenario", "capability", "organization"))
        self._needs = {r.scenario_id: f"{r.scenario.reference} {r.scenario.title}" for r in rows if r.scenario_id}
        self._caps = {r.capability_id: f"{r.capability.reference} {r.capability.title}" for r in rows
                      if r.capability_id}
        self._orgs = {r.organization_id: r.organization.name for r in rows}
        self._slots = {s.pk: f"{timezone.localtime(s.start):%H:%M}" for s in Slot.objects.filter(event=self.event)}

    def need(self, pk: int) -> str:
        if self._needs is None:
            self._load()
        if pk not in self._needs:
            obj = Scenario.objects.filter(pk=pk).first()
            self._needs[pk] = f"{obj.reference} {obj.title}" if obj else f"S{pk:05d}"
        return self._needs[pk]

    def capability(self, pk: int) -> str:
        if self._needs is None:
            self._load()
        if pk not in self._caps:
            obj = Capability.objects.filter(pk=pk).first()
            self._caps[pk] = f"{obj.reference} {obj.title}" if obj else f"C{pk:05d}"
        return self._caps[pk]

    def pair(self, pair) -> str:
        return f"{self.need(pair[0])} ↔ {self.capability(pair[1])}"

    def org(self, pk) -> str:
        if self._needs is None:
            self._load()
        return self._orgs.get(pk, str(pk))

    def slot(self, pk) -> str:
        if self._needs is None:
            self._load()
        return self._slots.get(pk, str(pk))


def _field(issue: Any, name: str):
    return issue.get(name) if isinstance(issue, Mapping) else getattr(issue, name)


def issue_text(issue: Any, *, event: Event, names: Names | None = None) -> str:
    """One issue (an engine Issue or its stored dict) as a sentence."""
    names = names or Names(event)
    code = _field(issue, "code")
    params: dict[str, Any] = dict(_field(issue, "params") or {})
    pair, need = _field(issue, "pair"), _field(issue, "need")
    values: dict[str, Any] = {"pair": names.pair(pair) if pair else "", "table": params.get("table", ""),
                              "tables": params.get("tables", event.tables), "cap": params.get("cap", ""),
                              "usable": params.get("usable", "")}
    values["subject"] = names.pair(pair) if pair else names.need(need) if need else ""
    values["party"] = names.org(params["party"]) if "party" in params else ""
    values["slot"] = names.slot(params["slot"]) if "slot" in params else ""
    values["others"] = "、".join(names.pair(o) for o in params.get("others") or [])
    text = _TEXTS.get(code)
    return text(values) if text else f"{code}: {values['subject']}"


def report_view(job) -> dict | None:
    """A finished job's report, with its issues as sentences."""
    if job is None or not job.report:
        return None
    names = Names(job.event)
    report = dict(job.report)
    for key in ("lock_conflicts", "unplaced", "uncovered"):
        report[f"{key}_text"] = [issue_text(i, event=job.event, names=names) for i in report.get(key) or []]
    m, g = report.get("metrics") or {}, report.get("greedy") or {}
    report["vs_greedy"] = (m.get("affinity", 0) / g["affinity"]) if g.get("affinity") else None
    report["of_bound"] = (m.get("affinity", 0) / report["bound"]) if report.get("bound") else None
    return report
