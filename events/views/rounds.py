"""Introduction rounds for a list, shown to program officers as a proposal to approve in bulk.

Who may see them: program officers only.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import officer_required
from core.errors import DomainError
from core.pages import show_error
from matching.models import MatchStatus
from matching.presenters import explanation_for

from ..forms import RoundForm
from ..models import IntroductionRound
from ..services import rounds


@officer_required
def round_list(request: HttpRequest) -> HttpResponse:
    """Program officers: ask for a proposed round for a list; the rounds proposed so far."""
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = rounds.round_propose(actor=request.user, batch_id=form.cleaned_data["batch"].pk,
                                       per_need=form.cleaned_data["per_need"],
                                       per_capability=form.cleaned_data["per_capability"])
        except DomainError as exc:
            show_error(request, exc)
        else:
            return redirect("events:round-detail", pk=rnd.pk)
    return render(request, "events/rounds.html", {"form": form, "rounds": IntroductionRound.objects.select_related(
        "batch", "created_by")[:30]})


@officer_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: one proposal, each introduction with its explanation; approve in bulk."""
    rnd = get_object_or_404(IntroductionRound.objects.select_related("batch"), pk=pk)
    pairs = list(rnd.pairs.select_related("match__scenario__organization", "match__capability__organization",
                                          "match__scenario__field", "match__capability__field"))
    rows = [{"pair": p, "match": p.match, "ex": explanation_for(p.match),
             "open": p.match.status in (MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED)} for p in pairs]
    return render(request, "events/round_detail.html", {"round": rnd, "rows": rows,
                                                        "n_open": sum(1 for r in rows if r["open"])})


@require_POST
@officer_required
def round_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: approve the selected introductions of a proposal with one reason."""
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
    try:
        result = rounds.round_approve(actor=request.user, round_id=pk, match_ids=ids,
                                      reason=request.POST.get("reason", ""))
    except DomainError as exc:
        show_error(request, exc)
        return redirect("events:round-detail", pk=pk)
    if result["done"]:
        messages.success(request, _("%(n)d matches approved.") % {"n": len(result["done"])})
    for match_id, reason in result["failed"].items():
        messages.error(request, _("Match %(id)s: %(reason)s") % {"id": match_id, "reason": reason})
    return redirect("events:round-detail", pk=pk)
