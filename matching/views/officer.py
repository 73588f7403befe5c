"""Pages for program officers: the match queue (approve, reject, re-open, one by one and in
bulk; every decision audited by matching.workflow), the dashboard with its charts, and the
full re-rank job.

Who may see them: program officers only (403 for everyone else logged in; anonymous visitors
go to the login page).
"""
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import officer_required
from core.errors import DomainError
from core.pages import back, raise_http
from core.side import CAPABILITY, SCENARIO, SIDES
from scenarios.selectors import (
    listing_counts_by_city,
    listing_counts_by_field,
    listing_published_counts,
    review_queue_count,
)

from .. import workflow
from ..models import MatchStatus
from ..presenters import queue_cards
from ..selectors import access_match, match_funnel, match_queue, rerank_job_current, unmet_listings

QUEUE_PAGE = 20
UNMET_SHOWN = 10
_DECISIONS = {"approve": workflow.match_approve, "reject": workflow.match_reject, "reopen": workflow.match_reopen}


@officer_required
def match_queue_view(request: HttpRequest) -> HttpResponse:
    """Program officers: matches between published listings, interest first, then by score."""
    status = request.GET.get("status", "")
    if status not in MatchStatus.values:
        status = ""
    page = Paginator(match_queue(actor=request.user, status=status or None), QUEUE_PAGE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "matching/queue.html", {
        "cards": queue_cards(page.object_list), "page": page, "status": status, "query": query.urlencode(),
        "statuses": MatchStatus.choices,
    })


def _card_response(request: HttpRequest, pk: int, error: str = "") -> HttpResponse:
    match = access_match(actor=request.user, match_id=pk)
    card = queue_cards([match])[0]
    return render(request, "matching/_queue_card.html", {"card": card, "error": error})


@require_POST
@officer_required
def match_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Program officers: approve, reject or re-open one match, with a reason (required)."""
    error = ""
    try:
        _DECISIONS[decision](actor=request.user, match_id=pk, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        raise_http(exc)
        error = str(exc)
    if request.htmx:
        return _card_response(request, pk, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, {"approve": _("Match approved: both sides were notified."),
                                   "reject": _("Match rejected."),
                                   "reopen": _("Match re-opened.")}[decision])
    return back(request, "matching:match-queue")


@require_POST
@officer_required
def match_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Program officers: record an approved match's progress (introduced, in talks, agreed, closed)."""
    try:
        workflow.match_advance(actor=request.user, match_id=pk, to=request.POST.get("to", ""),
                               reason=request.POST.get("reason", ""))
    except DomainError as exc:
        raise_http(exc)
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The match's progress was recorded."))
    return back(request, "matching:match-queue")


@require_POST
@officer_required
def match_bulk(request: HttpRequest) -> HttpResponse:
    """Program officers: approve or reject the selected matches with one reason."""
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
    approve = request.POST.get("decision") == "approve"
    if not ids:
        messages.error(request, _("Select at least one match."))
        return back(request, "matching:match-queue")
    try:
        result = workflow.match_decide_bulk(actor=request.user, match_ids=ids, approve=approve,
                                            reason=request.POST.get("reason", ""))
    except DomainError as exc:
        raise_http(exc)
        messages.error(request, str(exc))
        return back(request, "matching:match-queue")
    if result["done"]:
        msg = _("%(n)d matches approved.") if approve else _("%(n)d matches rejected.")
        messages.success(request, msg % {"n": len(result["done"])})
    for pk, reason in result["failed"].items():
        messages.error(request, _("Match %(id)s: %(reason)s") % {"id": pk, "reason": reason})
    return back(request, "matching:match-queue")


@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Program officers: coverage at a glance: listings by field and city, the match funnel,
    unmet needs and unmatched capabilities, and the re-rank job."""
    by_field = listing_counts_by_field()
    by_city = listing_counts_by_city()
    funnel = match_funnel()
    unmet_needs = unmet_listings(side=SCENARIO)
    unmet_caps = unmet_listings(side=CAPABILITY)
    charts = {
        "field": {"labels": [r["field"].label for r in by_field],
                  **{s.kind: [r[s.kind] for r in by_field] for s in SIDES}},
        "city": {"labels": [r["city"] or _("(no city)") for r in by_city],
                 **{s.kind: [r[s.kind] for r in by_city] for s in SIDES}},
        "funnel": {"labels": [str(MatchStatus(s).label) for s in funnel], "values": list(funnel.values())},
        "series": {**{s.kind: str(s.plural) for s in SIDES}, "matches": _("Matches")},
    }
    return render(request, "matching/dashboard.html", {
        "charts": charts, "published": listing_published_counts(),
        "funnel_rows": list(zip(charts["funnel"]["labels"], charts["funnel"]["values"], strict=True)),
        "n_review": review_queue_count(), "n_open": match_queue(actor=request.user).count(),
        "unmet_needs": unmet_needs[:UNMET_SHOWN], "n_unmet_needs": unmet_needs.count(),
        "unmet_caps": unmet_caps[:UNMET_SHOWN], "n_unmet_caps": unmet_caps.count(),
        "floor": settings.MATCHING_SCORE_FLOOR, "job": rerank_job_current(),
    })


@officer_required
def rerank_progress(request: HttpRequest) -> HttpResponse:
    """Program officers: the re-rank job's progress (an htmx partial that polls while it runs)."""
    return render(request, "matching/_rerank.html", {"job": rerank_job_current()})


@require_POST
@officer_required
def rerank_start(request: HttpRequest) -> HttpResponse:
    """Program officers: start a full re-rank (or show the one already running)."""
    from ..services import rerank_start as start

    try:
        start(actor=request.user, reason=request.POST.get("reason", "") or _("Started from the dashboard"))
    except DomainError as exc:
        raise_http(exc)
        messages.error(request, str(exc))
    if request.htmx:
        return render(request, "matching/_rerank.html", {"job": rerank_job_current()})
    return back(request, "matching:dashboard")
