"""The roadshow (路演): who presents, in which order.

The proposal: among the invited listings of registered organisations, the needs and the
capabilities with the most strong matches (the match's band, matching.models.MatchBand) among the registered
audience's listings of the other side (ties: the best score), `roadshow_size` of each; the order
grouped by field (the taxonomy's order), needs before capabilities within a field, most strong
matches first. The officer then edits the order.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import DomainError
from matching.models import Match, MatchBand, MatchStatus

from ..models import Event, EventListing, Participant
from .common import lock_event, require_officer


def roadshow_candidates(*, event: Event) -> list[dict]:
    """Every invited listing of a registered organisation with its strong matches among the
    registered audience (best first)."""
    registered = set(Participant.objects.filter(event=event, status=Participant.Status.REGISTERED)
                     .values_list("organization_id", flat=True))
    rows = list(event.listings.filter(organization_id__in=registered)
                .select_related("scenario__field", "capability__field", "organization"))
    needs = {r.scenario_id: r for r in rows if r.scenario_id}
    caps = {r.capability_id: r for r in rows if r.capability_id}
    strong: dict[int, list[float]] = defaultdict(list)
    for s, c, score in (Match.objects.filter(scenario_id__in=list(needs), capability_id__in=list(caps),
                                             band=MatchBand.STRONG)
                        .exclude(status=MatchStatus.REJECTED).values_list("scenario_id", "capability_id", "score")):
        if needs[s].organization_id != caps[c].organization_id:
            strong[needs[s].pk].append(score)
            strong[caps[c].pk].append(score)
    out = []
    for r in rows:
        scores = strong.get(r.pk, [])
        out.append({"row": r, "listing": r.listing, "side": r.side, "strong": len(scores),
                    "best": max(scores, default=0.0)})
    out.sort(key=lambda d: (-d["strong"], -d["best"], d["row"].pk))
    return out


def _ordered(chosen: list[dict]) -> list[dict]:
    return sorted(chosen, key=lambda d: (d["listing"].field.order, d["listing"].field.code, not d["side"].is_need,
                                         -d["strong"], -d["best"], d["row"].pk))


@transaction.atomic
def roadshow_propose(*, actor: User, event: Event) -> list[EventListing]:
    """Replace the roadshow with the proposal (see the module docstring)."""
    require_officer(actor)
    event = lock_event(event)
    ranked = roadshow_candidates(event=event)
    chosen = []
    for is_need in (True, False):
        chosen += [d for d in ranked if d["side"].is_need == is_need and d["strong"] > 0][:event.roadshow_size]
    event.listings.update(roadshow_order=None)
    out = []
    for i, d in enumerate(_ordered(chosen), start=1):
        d["row"].roadshow_order = i
        out.append(d["row"])
    EventListing.objects.bulk_update(out, ["roadshow_order"])
    return out


@transaction.atomic
def roadshow_update(*, actor: User, event: Event, order: Sequence[int]) -> list[EventListing]:
    """Set the roadshow to these invited listings (EventListing ids), in this order."""
    require_officer(actor)
    event = lock_event(event)
    ids = [int(i) for i in order]
    if len(set(ids)) != len(ids):
        raise DomainError(_("A listing appears twice in the roadshow order."))
    rows = {r.pk: r for r in event.listings.filter(pk__in=ids)}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise DomainError(_("Only listings invited to this event can present (not %(ids)s).")
                          % {"ids": ", ".join(map(str, missing))})
    event.listings.update(roadshow_order=None)
    for i, pk in enumerate(ids, start=1):
        rows[pk].roadshow_order = i
    EventListing.objects.bulk_update(list(rows.values()), ["roadshow_order"])
    return [rows[pk] for pk in ids]
