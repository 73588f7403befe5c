"""Pages for hospitals and vendors: the ranked candidates of their published listings, "express
interest", and "my matches" once an officer approved them.

Who may see them: members of the listing's organisation (and officers) see its candidates;
members of either side (and officers) see a match. Contact details of the other side appear
only after an officer's approval (matching.selectors.can_see_match_contacts).
"""
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import user_is_member, user_is_officer, user_organization_ids
from core.errors import DomainError
from core.pages import member_required, raise_http
from core.side import CAPABILITY, SCENARIO, Side
from scenarios.permissions import access_listing_workspace

from ..models import MatchStatus
from ..presenters import candidate_cards, explanation_for
from ..selectors import (
    access_match,
    can_see_match_contacts,
    match_events,
    match_interests,
    match_list_for_listing,
    match_list_mine,
)
from ..workflow import ADVANCE, match_express_interest


def _side(actor, match) -> Side | None:
    """The side the actor acts for in this match (needs first), None for an officer outside it."""
    if user_is_member(user=actor, organization_id=match.scenario.organization_id):
        return SCENARIO
    if user_is_member(user=actor, organization_id=match.capability.organization_id):
        return CAPABILITY
    return None


@member_required
def listing_candidates(request: HttpRequest, side: Side, pk: int) -> HttpResponse:
    """Members of the listing's organisation and officers: the ranked candidates of a published
    listing with their explanations; no contact details."""
    listing = access_listing_workspace(actor=request.user, side=side, listing_id=pk)
    matches = match_list_for_listing(actor=request.user, side=side, listing_id=pk)
    cards = candidate_cards(matches, side=side, org_ids=user_organization_ids(user=request.user))
    return render(request, "matching/candidates.html", {
        "listing": listing, "side": side, "kind_label": side.label, "cards": cards,
        "can_express": user_is_member(user=request.user, organization_id=listing.organization_id),
    })


@require_POST
@member_required
def match_interest(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of either side: express interest in a match, with a short reason."""
    match = access_match(actor=request.user, match_id=pk)
    side = _side(request.user, match)
    if side is None:
        raise Http404("not a side of this match")
    error = ""
    try:
        match_express_interest(actor=request.user, match_id=pk, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        raise_http(exc)
        error = str(exc)
    if request.htmx:
        match = access_match(actor=request.user, match_id=pk)
        match.n_interest = len(match_interests(match_ids=[pk]).get(pk, []))
        card = candidate_cards([match], side=side, org_ids=user_organization_ids(user=request.user))[0]
        return render(request, "matching/_candidate.html", {"card": card, "side": side, "can_express": True,
                                                            "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your interest was recorded. A program officer will review the match."))
    listing = getattr(match, side.fk)
    return redirect("matching:listing-candidates", side=side, pk=listing.pk)


@member_required
def my_matches(request: HttpRequest) -> HttpResponse:
    """Members of organisations that post: their approved (and later) matches, with the other
    side's contact person."""
    org_ids = user_organization_ids(user=request.user)
    rows = []
    for m in match_list_mine(actor=request.user):
        side = SCENARIO if m.scenario.organization_id in org_ids else CAPABILITY
        rows.append({"match": m, "side": side, "mine": getattr(m, side.fk), "other": getattr(m, side.other.fk),
                     "ex": explanation_for(m, side=side),
                     "contacts": can_see_match_contacts(actor=request.user, match=m)})
    return render(request, "matching/my_matches.html", {"rows": rows})


@member_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of either side and officers: one match, its explanation and status; the contacts
    once approved; officers also see the audit trail and the decision forms."""
    match = access_match(actor=request.user, match_id=pk)
    officer = user_is_officer(user=request.user)
    side = _side(request.user, match)
    interests = match_interests(match_ids=[pk]).get(pk, [])
    return render(request, "matching/match_detail.html", {
        "match": match, "side": side, "officer": officer,
        "ex": explanation_for(match, side=side),
        "interests": interests,
        "contacts": can_see_match_contacts(actor=request.user, match=match),
        "events": match_events(match=match) if officer else None,
        "advance": [(s, MatchStatus(s).label) for s in ADVANCE.get(match.status, ())] if officer else [],
        "is_open": match.status in (MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED),
    })
