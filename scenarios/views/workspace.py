"""The owners' workspace: post, edit, submit, withdraw and archive needs and capabilities, and
follow each one's status, history and the officers' comments.

Who may see it: logged-in members of the posting organisation, and program officers (who see
any listing's workspace page). Anyone else gets 404 for a listing, as if it did not exist.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import organizations_posting, user_is_officer, user_listing_sides
from core.errors import DomainError
from core.pages import member_required, raise_http, show_error
from core.side import SIDES, Side

from .. import services
from ..forms import PublishForm, ReturnForm, listing_form_class
from ..models import ListingStatus
from ..permissions import access_listing_workspace, check_can_edit
from ..selectors import listing_last_return, listing_list_mine, listing_transitions


def _put_errors(form, exc: ValidationError) -> None:
    for name, msgs in services.validation_messages(exc).items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)


@member_required
def listing_mine(request: HttpRequest) -> HttpResponse:
    """Members of organisations that post: their organisations' listings in every status."""
    from matching.selectors import match_candidate_counts

    sides = user_listing_sides(user=request.user)
    status = request.GET.get("status", "")
    if status not in ListingStatus.values:
        status = ""
    wanted = request.GET.get("kind", "")
    sections = []
    for side in sides:
        if wanted in (s.kind for s in SIDES) and wanted != side.kind:
            continue
        rows = list(listing_list_mine(actor=request.user, side=side, status=status))
        counts = match_candidate_counts(side=side, listing_ids=[r.pk for r in rows if r.is_published])
        for row in rows:
            row.n_candidates = counts.get(row.pk, 0)
        sections.append({"side": side, "label": side.label, "rows": rows})
    return render(request, "scenarios/listing_mine.html", {
        "sections": sections, "status": status, "statuses": ListingStatus.choices, "kind": wanted,
    })


@member_required
def listing_create(request: HttpRequest, side: Side) -> HttpResponse:
    """Members of an organisation that posts on this side (hospitals: needs; vendors: capabilities)."""
    organizations = organizations_posting(user=request.user, side=side)
    if not organizations:
        messages.error(request, _("None of your organisations posts this kind of listing. Create or join one "
                                  "first."))
        return redirect("accounts:home")
    form_class = listing_form_class(side)
    form = form_class(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(actor=request.user, side=side,
                                              organization=form.cleaned_data.get("organization") or organizations[0],
                                              data=form.listing_data())
        except ValidationError as exc:
            _put_errors(form, exc)
        except DomainError as exc:
            raise_http(exc)
            form.add_error(None, str(exc))
        else:
            if "submit" in request.POST:
                return _run_action(request, listing, "submit")
            messages.success(request, _("Saved as a draft. Submit it for review when it is ready."))
            return redirect("scenarios:listing-manage", side=side, pk=listing.pk)
    return render(request, "scenarios/listing_form.html", {
        "form": form, "side": side, "kind_label": side.label, "listing": None,
    })


@member_required
def listing_edit(request: HttpRequest, side: Side, pk: int) -> HttpResponse:
    """Members of the posting organisation (drafts, returned and published listings) and officers
    (published listings only); a listing under review must be withdrawn first."""
    listing = access_listing_workspace(actor=request.user, side=side, listing_id=pk)
    try:
        check_can_edit(actor=request.user, listing=listing)
    except DomainError as exc:
        show_error(request, exc)
        return redirect("scenarios:listing-manage", side=side, pk=pk)
    form = listing_form_class(side)(request.POST or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_update(actor=request.user, listing=listing, data=form.listing_data())
        except ValidationError as exc:
            _put_errors(form, exc)
        except DomainError as exc:
            raise_http(exc)
            form.add_error(None, str(exc))
        else:
            if "submit" in request.POST and listing.status in (ListingStatus.DRAFT, ListingStatus.RETURNED):
                return _run_action(request, listing, "submit")
            messages.success(request, _("Your changes were saved."))
            return redirect("scenarios:listing-manage", side=side, pk=listing.pk)
    return render(request, "scenarios/listing_form.html", {
        "form": form, "side": side, "kind_label": side.label, "listing": listing,
    })


@member_required
def listing_manage(request: HttpRequest, side: Side, pk: int) -> HttpResponse:
    """Members of the posting organisation and officers: status, history, comments, actions."""
    from matching.selectors import match_candidate_counts

    listing = access_listing_workspace(actor=request.user, side=side, listing_id=pk)
    actions = services.allowed_actions(actor=request.user, listing=listing)
    try:
        check_can_edit(actor=request.user, listing=listing)
        can_edit = True
    except DomainError:
        can_edit = False
    officer = user_is_officer(user=request.user)
    return render(request, "scenarios/listing_manage.html", {
        "listing": listing, "kind_label": listing.SIDE.label, "actions": actions, "can_edit": can_edit,
        "history": listing_transitions(listing=listing), "last_return": listing_last_return(listing=listing),
        "n_candidates": (match_candidate_counts(side=side, listing_ids=[listing.pk]).get(listing.pk, 0)
                         if listing.is_published else 0),
        "publish_form": PublishForm() if officer and "publish" in actions else None,
        "return_form": ReturnForm(auto_id="return_%s") if officer and "return" in actions else None,
    })


_MESSAGES = {
    "submit": lambda: _("Submitted for review. A program officer will publish it or return it with a comment."),
    "withdraw": lambda: _("Withdrawn from review; it is a draft again."),
    "archive": lambda: _("Archived: it is no longer published or matched."),
}
_SERVICES = {
    "submit": services.listing_submit,
    "withdraw": services.listing_withdraw,
    "archive": services.listing_archive,
}


def _run_action(request: HttpRequest, listing, action: str) -> HttpResponse:
    try:
        _SERVICES[action](actor=request.user, listing=listing)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _MESSAGES[action]())
    return redirect(reverse("scenarios:listing-manage", kwargs={"side": listing.SIDE, "pk": listing.pk}))


@require_POST
@member_required
def listing_action(request: HttpRequest, side: Side, pk: int, action: str) -> HttpResponse:
    """Submit / withdraw: members of the posting organisation; archive: them or officers."""
    listing = access_listing_workspace(actor=request.user, side=side, listing_id=pk)
    return _run_action(request, listing, action)
