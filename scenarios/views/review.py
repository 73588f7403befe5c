"""The officers' review queue: publish a submitted listing (optionally into a list) or return
it with a comment; and create the lists (清单) to publish into.

Who may see it: program officers only (403 for everyone else logged in).
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import officer_required
from core.errors import DomainError
from core.pages import back, raise_http
from core.side import SIDES, Side

from .. import services
from ..forms import BatchForm, PublishForm, ReturnForm
from ..permissions import access_listing
from ..selectors import review_queue


def _rows():
    rows = []
    for side in SIDES:
        for listing in review_queue(side=side):
            rows.append({"listing": listing, "side": side, "kind_label": side.label})
    rows.sort(key=lambda r: (r["listing"].submitted_at, r["side"].kind, r["listing"].pk))
    return rows


@officer_required
def listing_review(request: HttpRequest) -> HttpResponse:
    """Program officers: submitted needs and capabilities, oldest first."""
    return render(request, "scenarios/review_queue.html", {
        "rows": _rows(), "publish_form": PublishForm(auto_id=False), "return_form": ReturnForm(auto_id=False),
        "batch_form": BatchForm(),
    })


def _done(request: HttpRequest, listing, row_state: str, error: str = "") -> HttpResponse:
    if request.htmx:
        return render(request, "scenarios/_review_row.html", {
            "row": {"listing": listing, "side": listing.SIDE, "kind_label": listing.SIDE.label},
            "state": row_state, "error": error,
            "publish_form": PublishForm(auto_id=False), "return_form": ReturnForm(auto_id=False),
        })
    if error:
        messages.error(request, error)
    return back(request, "scenarios:listing-review")


def _listing(side: Side, pk: int, actor):
    return access_listing(actor=actor, side=side, listing_id=pk)


@require_POST
@officer_required
def listing_publish(request: HttpRequest, side: Side, pk: int) -> HttpResponse:
    """Program officers: publish a submitted listing, optionally into a list."""
    listing = _listing(side, pk, request.user)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _done(request, listing, "open", " ".join(m for ms in form.errors.values() for m in ms))
    try:
        listing = services.listing_publish(actor=request.user, listing=listing, batch=form.cleaned_data["batch"],
                                           comment=form.cleaned_data["comment"])
    except DomainError as exc:
        raise_http(exc)
        return _done(request, listing, "open", str(exc))
    if not request.htmx:
        messages.success(request, _("Published: %(title)s") % {"title": listing.title})
    return _done(request, listing, "published")


@require_POST
@officer_required
def listing_return(request: HttpRequest, side: Side, pk: int) -> HttpResponse:
    """Program officers: return a submitted listing with a comment (required)."""
    listing = _listing(side, pk, request.user)
    try:
        listing = services.listing_return(actor=request.user, listing=listing,
                                          comment=request.POST.get("comment", ""))
    except DomainError as exc:
        raise_http(exc)
        return _done(request, listing, "open", str(exc))
    if not request.htmx:
        messages.success(request, _("Returned for changes: %(title)s") % {"title": listing.title})
    return _done(request, listing, "returned")


@require_POST
@officer_required
def batch_create(request: HttpRequest) -> HttpResponse:
    """Program officers: create a list (清单) to publish listings into."""
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch = services.batch_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for msgs in services.validation_messages(exc).values():
                for m in msgs:
                    messages.error(request, m)
        else:
            messages.success(request, _("The list “%(name)s” was created.") % {"name": batch.name})
    else:
        for msgs in form.errors.values():
            for m in msgs:
                messages.error(request, m)
    return back(request, "scenarios:listing-review")
