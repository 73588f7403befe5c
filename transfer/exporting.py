"""Exports for officers: a list (batch) in the import layout, and the approved matches.

A list exports to exactly the columns `transfer.importing` reads, so a list exported here
imports into another SceneBridge as the same listings. Every text cell is written formula-safe
(scenarios.spreadsheets). Officers only: exports carry contact details.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _gt
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import user_is_officer
from core.errors import NotAllowed, NotFound
from core.side import SIDES
from matching.models import Match, MatchEvent, MatchStatus
from scenarios.models import Batch, ListingBase, ListingStatus
from transfer import columns as C
from transfer import spreadsheets

# Matches an officer approved, whatever happened after (introduced, in talks, agreed, closed).
APPROVED_AND_LATER = (MatchStatus.APPROVED, MatchStatus.INTRODUCED, MatchStatus.IN_TALKS, MatchStatus.AGREED,
                      MatchStatus.CLOSED)
_WIDTHS = {"number": 6, "title": 36, "kind": 10, "field": 14, "organization": 32, "city": 8, "description": 80,
           "contact_name": 10, "contact_phone": 16, "contact_email": 26, "reference_deployments": 40}


@dataclass
class Export:
    content: bytes
    filename: str
    content_type: str


def _require_officer(actor: User) -> None:
    if not user_is_officer(user=actor):
        raise NotAllowed(_("Only program officers can export."))


def _format(fmt: str) -> str:
    if fmt not in spreadsheets.FORMATS:
        raise NotFound(_("Unknown file format."))
    return fmt


def listing_row(listing: ListingBase) -> list[object]:
    """A listing as the cells of the import layout (columns.EXPORT_KEYS)."""
    side = listing.SIDE
    org = listing.organization
    values: dict[str, object] = {
        "number": listing.number,
        "title": listing.title,
        "kind": side.list_name,
        "field": listing.field.name_zh_hans,
        "organization": org.name,
        "city": listing.city,
        "description": listing.description,
        "contact_name": listing.contact_name,
        "contact_phone": listing.contact_phone,
        "contact_email": listing.contact_email,
        "province": listing.province,
        "language": C.LANGUAGE_WORDS.get(listing.language, listing.language),
        "organization_kind": C.ORGANIZATION_KIND_WORDS.get(org.kind, org.kind),
        "deployment": C.DEPLOYMENT_WORDS.get(listing.deployment, ""),
    }
    if side.is_need:
        values.update(budget_min=listing.budget_min, budget_max=listing.budget_max, deadline=listing.deadline,
                      required_certification=C.CERTIFICATION_WORDS.get(listing.required_certification, ""))
    else:
        values.update(maturity=C.MATURITY_WORDS.get(listing.maturity, ""),
                      certification=C.CERTIFICATION_WORDS.get(listing.certification, ""),
                      reference_deployments=listing.reference_deployments)
    return [values.get(key) for key in C.EXPORT_KEYS]


def batch_listings(*, batch: Batch) -> list[ListingBase]:
    """The published listings of a list: needs first, then capabilities, each by number."""
    out: list[ListingBase] = []
    for side in SIDES:
        out += list(side.model.objects.filter(batch=batch, status=ListingStatus.PUBLISHED)
                    .select_related("organization", "field").order_by("number", "id"))
    return out


def batch_export(*, actor: User, batch_id: int, fmt: str) -> Export:
    _require_officer(actor)
    fmt = _format(fmt)
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No such list."))
    headers = [C.BY_KEY[k].header for k in C.EXPORT_KEYS]
    rows = (listing_row(obj) for obj in batch_listings(batch=batch))
    content = spreadsheets.write(fmt, headers, rows, **({"title": "清单", "widths": [
        _WIDTHS.get(k, 14) for k in C.EXPORT_KEYS]} if fmt == spreadsheets.XLSX else {}))
    return Export(content=content, filename=f"{batch.name}.{fmt}", content_type=spreadsheets.CONTENT_TYPES[fmt])


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def match_export_approved(*, actor: User, fmt: str) -> Export:
    """Every match an officer approved (and what became of it), best score first."""
    _require_officer(actor)
    fmt = _format(fmt)
    approvals = MatchEvent.objects.filter(to_status=MatchStatus.APPROVED).select_related("actor").order_by("-at")
    matches = (Match.objects.filter(status__in=APPROVED_AND_LATER)
               .select_related("scenario__organization", "capability__organization", "decided_by")
               .prefetch_related(Prefetch("events", queryset=approvals, to_attr="approvals"))
               .order_by("-score", "id"))
    headers = [_gt("Need"), _gt("Need name"), _gt("Need organisation"), _gt("Capability"), _gt("Capability name"),
               _gt("Capability organisation"), _gt("Score"), _gt("Status"), _gt("Approved by"), _gt("Approved at"),
               _gt("Reason"), _gt("Last decision by"), _gt("Last decision at"), _gt("Suggested at")]

    def person(user: User | None) -> str:
        return (user.get_full_name() or user.get_username()) if user else ""

    def rows():
        for m in matches:
            approval = m.approvals[0] if m.approvals else None
            yield [m.scenario.reference, m.scenario.title, m.scenario.organization.name, m.capability.reference,
                   m.capability.title, m.capability.organization.name, round(m.score, 4), m.get_status_display(),
                   person(approval.actor if approval else m.decided_by),
                   _local(approval.at if approval else m.decided_at), m.decision_reason,
                   person(m.decided_by), _local(m.decided_at), _local(m.created_at)]

    stamp = timezone.localdate().isoformat()
    content = spreadsheets.write(fmt, headers, rows(), **({"title": "matches", "widths": [
        10, 36, 30, 10, 36, 30, 8, 10, 14, 18, 40, 14, 18, 18]} if fmt == spreadsheets.XLSX else {}))
    return Export(content=content, filename=f"approved-matches-{stamp}.{fmt}",
                  content_type=spreadsheets.CONTENT_TYPES[fmt])
