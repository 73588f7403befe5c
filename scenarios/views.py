"""Public pages: the published list, a listing, the lists (batches).

Who may see them: everyone, including anonymous visitors. Only published listings appear in the
list; a listing's own page is also visible to its owner and to officers in any status. Contact
details are rendered only for the owner and officers (the other side sees them in an approved
match).
"""
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from config.errors import NotFound

from .forms import PublicFilterForm
from .kinds import KIND_LABELS, listing_model
from .models import Field
from .permissions import access_listing, can_see_contacts
from .selectors import ListingFilters, batch_field_counts, batch_list, city_choices, public_listing_rows

PAGE_SIZE = 25


def _rows_page(request: HttpRequest, filters: ListingFilters):
    page = Paginator(public_listing_rows(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    fields = {f.pk: f for f in Field.objects.all()}
    for row in page.object_list:
        row["field"] = fields.get(row["field_id"])
        row["kind_label"] = KIND_LABELS[row["kind"]]
        row["reference"] = listing_model(row["kind"])(pk=row["id"]).reference
    return page


def public_list(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None, cities=city_choices())
    page = _rows_page(request, form.to_filters())
    query = request.GET.copy()
    query.pop("page", None)
    template = "scenarios/_list_rows.html" if request.htmx else "scenarios/public_list.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


def listing_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    try:
        listing = access_listing(actor=request.user, kind=kind, listing_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(request, "scenarios/listing_detail.html", {
        "listing": listing, "kind_label": KIND_LABELS[listing.KIND],
        "show_contacts": can_see_contacts(actor=request.user, listing=listing),
    })


def batch_index(request: HttpRequest) -> HttpResponse:
    return render(request, "scenarios/batch_list.html", {"batches": batch_list()})


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batch_list(), pk=pk)
    page = _rows_page(request, ListingFilters(batch=batch.pk))
    return render(request, "scenarios/batch_detail.html", {
        "batch": batch, "field_counts": batch_field_counts(batch=batch), "page": page,
    })
