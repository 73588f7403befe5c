"""Public pages: the published list, a listing, the lists (batches).

Who may see them: everyone, including anonymous visitors. Only published listings appear in the
list; a listing's own page is also visible to its owner and to officers in any status. Contact
details are rendered only for the owner and officers (the other side sees them in an approved
match).
"""
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.pages import http_errors
from core.side import Side, side_of

from ..forms import PublicFilterForm
from ..models import Field
from ..permissions import access_listing, can_manage_listing, can_see_contacts
from ..selectors import ListingFilters, batch_field_counts, batch_list, city_choices, public_listing_rows

PAGE_SIZE = 25


def _rows_page(request: HttpRequest, filters: ListingFilters):
    page = Paginator(public_listing_rows(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    fields = {f.pk: f for f in Field.objects.all()}
    for row in page.object_list:
        row["field"] = fields.get(row["field_id"])
        side = side_of(row["kind"])
        row["kind_label"] = side.label
        row["reference"] = side.model(pk=row["id"]).reference
    return page


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def public_list(request: HttpRequest) -> HttpResponse:
    """Everyone: published needs and capabilities, filtered and searched; htmx gets the rows only."""
    form = PublicFilterForm(request.GET or None, cities=city_choices())
    page = _rows_page(request, form.to_filters())
    template = "scenarios/_list_rows.html" if request.htmx else "scenarios/public_list.html"
    return render(request, template, {"form": form, "page": page, "query": _query(request), "hx_target": "#rows"})


@http_errors
def listing_detail(request: HttpRequest, side: Side, pk: int) -> HttpResponse:
    """Everyone for a published listing (no contacts); owners and officers in any status."""
    listing = access_listing(actor=request.user, side=side, listing_id=pk)
    return render(request, "scenarios/listing_detail.html", {
        "listing": listing, "kind_label": listing.SIDE.label,
        "show_contacts": can_see_contacts(actor=request.user, listing=listing),
        "can_manage": can_manage_listing(actor=request.user, listing=listing),
    })


def batch_index(request: HttpRequest) -> HttpResponse:
    """Everyone: the published lists with their counts."""
    return render(request, "scenarios/batch_list.html", {"batches": batch_list()})


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone: one list, its counts by field and its published items."""
    batch = get_object_or_404(batch_list(), pk=pk)
    page = _rows_page(request, ListingFilters(batch=batch.pk))
    counts = batch_field_counts(batch=batch)
    top = max([max(r["scenario"], r["capability"]) for r in counts] or [1])
    template = "scenarios/_list_rows.html" if request.htmx else "scenarios/batch_detail.html"
    return render(request, template, {
        "batch": batch, "field_counts": counts, "bar_max": top, "page": page,
        "query": _query(request), "hx_target": "#rows",
    })
