"""Introduction rounds for a list (outside events): the officer asks for a proposal, each need
up to m capabilities and each capability at most k needs, maximising the total score with every
need covered where possible (events.engine.rounds, a min-cost flow); the proposal is approved
in bulk through matching.workflow.match_decide_bulk."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import DomainError, NotFound
from matching.models import Match, MatchStatus
from matching.workflow import match_decide_bulk
from scenarios.models import Batch, ListingStatus

from .. import engine
from ..models import IntroductionRound, IntroductionRoundPair
from .common import require_officer

OPEN = (MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED)


def round_candidates(*, batch: Batch):
    """Open matches between published listings of the list."""
    return Match.objects.filter(status__in=OPEN, scenario__batch=batch, capability__batch=batch,
                                scenario__status=ListingStatus.PUBLISHED, capability__status=ListingStatus.PUBLISHED)


def round_propose(*, actor: User, batch_id: int, per_need: int, per_capability: int) -> IntroductionRound:
    """Compute and store a proposed round for the list."""
    require_officer(actor)
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No such list."))
    for name, value, high in (("per_need", per_need, 20), ("per_capability", per_capability, 100)):
        if not isinstance(value, int) or not 1 <= value <= high:
            raise DomainError(_("Give a number from 1 to %(n)d.") % {"n": high},
                              fields={name: [_("Give a number from 1 to %(n)d.") % {"n": high}]})
    rows = list(round_candidates(batch=batch).values_list("pk", "scenario_id", "capability_id", "score"))
    edges = [engine.Edge(need=s, capability=c, score=score) for _pk, s, c, score in rows]
    match_of = {(s, c): pk for pk, s, c, _score in rows}
    proposal = engine.assign_round(edges, per_need=per_need, per_capability=per_capability)
    greedy = engine.greedy_round(edges, per_need=per_need, per_capability=per_capability)
    summary = {
        "candidates": len(rows), "pairs": len(proposal.pairs), "total": round(proposal.total, 4),
        "needs": proposal.needs, "needs_covered": proposal.needs_covered, "seconds": round(proposal.seconds, 3),
        "greedy": {"pairs": len(greedy.pairs), "total": round(greedy.total, 4), "needs_covered": greedy.needs_covered},
    }
    with transaction.atomic():
        rnd = IntroductionRound.objects.create(batch=batch, per_need=per_need, per_capability=per_capability,
                                               summary=summary, created_by=actor)
        IntroductionRoundPair.objects.bulk_create([
            IntroductionRoundPair(round=rnd, match_id=match_of[(e.need, e.capability)], score=e.score)
            for e in proposal.pairs])
    return rnd


def round_approve(*, actor: User, round_id: int, match_ids: Iterable[int], reason: str) -> dict:
    """Approve the chosen pairs of a proposal with one reason (the match queue's bulk approval).
    Only pairs of this round can be approved through it."""
    require_officer(actor)
    rnd = IntroductionRound.objects.filter(pk=round_id).first()
    if rnd is None:
        raise NotFound(_("No such round."))
    ids = [int(i) for i in match_ids]
    if not ids:
        raise DomainError(_("Select at least one introduction."))
    mine = set(rnd.pairs.values_list("match_id", flat=True))
    outside = [i for i in ids if i not in mine]
    if outside:
        raise DomainError(_("Match %(ids)s is not part of this round.") % {"ids": ", ".join(map(str, outside))})
    return match_decide_bulk(actor=actor, match_ids=ids, approve=True, reason=reason)
