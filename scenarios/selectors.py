"""Reads on listings and lists (batches)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.selectors import Actor, user_organization_ids
from core.errors import NotFound
from core.side import SIDES, Side

from .models import Batch, Field, ListingBase, ListingStatus, TransitionBase
from .permissions import listing_visible_q

PUBLIC_COLUMNS = ("id", "title", "field_id", "organization__name", "city", "province", "published_at",
                  "batch_id", "number", "language")


@dataclass(frozen=True)
class ListingFilters:
    side: Side | None = None  # one side only, or both
    field: str = ""         # Field.code
    city: str = ""
    batch: int | None = None
    q: str = ""             # keyword(s), any script


def keyword_q(q: str) -> Q:
    """Every term of the query must occur in the listing's segmented Simplified text, so
    Traditional input finds Simplified text and the reverse."""
    from core.text import normalize, tokenize

    cond = Q()
    terms = tokenize(q) or [t for t in normalize(q).split() if t]
    for term in dict.fromkeys(terms):
        cond &= Q(search_text__contains=term)
    return cond


def _filtered(side: Side, filters: ListingFilters, base: Q) -> QuerySet[ListingBase]:
    qs = side.model.objects.filter(base)
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.city:
        qs = qs.filter(city=filters.city)
    if filters.batch:
        qs = qs.filter(batch_id=filters.batch)
    if filters.q.strip():
        qs = qs.filter(keyword_q(filters.q))
    return qs


def public_listing_rows(*, filters: ListingFilters) -> QuerySet:
    """Published needs and capabilities as one table (dict rows with a `kind` column), newest
    first, like a published provincial list."""
    published = Q(status=ListingStatus.PUBLISHED)
    sides = [filters.side] if filters.side else list(SIDES)
    parts = [
        _filtered(s, filters, published).annotate(kind=Value(s.kind, output_field=CharField()))
        .values(*PUBLIC_COLUMNS, "kind").order_by()
        for s in sides
    ]
    qs = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return qs.order_by("-published_at", "kind", "-id")


def listing_list_for_actor(*, actor: Actor, side: Side, filters: ListingFilters | None = None,
                           organization_id: int | None = None) -> QuerySet[ListingBase]:
    """Listings of one side that `actor` may see, filtered."""
    qs = _filtered(side, filters or ListingFilters(), listing_visible_q(actor=actor))
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    return qs.select_related("organization", "field", "batch")


def review_queue(*, side: Side) -> QuerySet[ListingBase]:
    """Submitted listings of one side, oldest first (officers only; the caller checks)."""
    return (side.model.objects.filter(status=ListingStatus.SUBMITTED)
            .select_related("organization", "field").order_by("submitted_at", "id"))


def batch_list() -> QuerySet[Batch]:
    return Batch.objects.annotate(
        n_scenarios=Count("scenarios", filter=Q(scenarios__status=ListingStatus.PUBLISHED), distinct=True),
        n_capabilities=Count("capabilities", filter=Q(capabilities__status=ListingStatus.PUBLISHED),
                             distinct=True),
    ).order_by("-published_on", "name")


def batch_field_counts(*, batch: Batch) -> list[dict]:
    """Per field: how many published needs and capabilities the list holds."""
    counts: dict[int, dict] = {}
    for side in SIDES:
        rows = (side.model.objects.filter(batch=batch, status=ListingStatus.PUBLISHED)
                .values("field_id").annotate(n=Count("id")))
        for row in rows:
            counts.setdefault(row["field_id"], {s.kind: 0 for s in SIDES})[side.kind] = row["n"]
    fields = {f.pk: f for f in Field.objects.filter(pk__in=counts)}
    return [{"field": fields[fid], **c}
            for fid, c in sorted(counts.items(), key=lambda kv: fields[kv[0]].order)]


def city_choices() -> list[str]:
    """Cities that have at least one published listing."""
    cities: set[str] = set()
    for side in SIDES:
        cities.update(side.model.objects.filter(status=ListingStatus.PUBLISHED)
                      .exclude(city="").values_list("city", flat=True).distinct())
    return sorted(cities)



def listing_list_mine(*, actor: Actor, side: Side, status: str = "") -> QuerySet[ListingBase]:
    """Listings of one side posted by the actor's organisations (any status), newest change first."""
    qs = side.model.objects.filter(organization_id__in=user_organization_ids(user=actor))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("organization", "field", "batch").order_by("-updated_at", "-id")


def listing_status_counts(*, actor: Actor, side: Side) -> dict[str, int]:
    """How many of the actor's organisations' listings of `side` are in each status."""
    rows = (side.model.objects.filter(organization_id__in=user_organization_ids(user=actor))
            .values("status").annotate(n=Count("id")))
    return {row["status"]: row["n"] for row in rows}


def listing_transitions(*, listing: ListingBase) -> QuerySet:
    """A listing's history, oldest first (callers check the viewer may manage the listing)."""
    return listing.transitions.select_related("actor").order_by("at", "id")


def listing_last_return(*, listing: ListingBase):
    """The officer's latest "return" entry, while the listing is returned (else None)."""
    if listing.status != ListingStatus.RETURNED:
        return None
    return listing.transitions.filter(action="return").select_related("actor").order_by("-at", "-id").first()


def review_queue_count() -> int:
    return sum(k.model.objects.filter(status=ListingStatus.SUBMITTED).count() for k in SIDES)


def listing_counts_by_field() -> list[dict]:
    """Published needs and capabilities per field, every field listed (for the dashboard)."""
    counts: dict[int, dict[str, int]] = {}
    for side in SIDES:
        rows = (side.model.objects.filter(status=ListingStatus.PUBLISHED)
                .values("field_id").annotate(n=Count("id")))
        for row in rows:
            counts.setdefault(row["field_id"], {})[side.kind] = row["n"]
    return [{"field": f, **{s.kind: counts.get(f.pk, {}).get(s.kind, 0) for s in SIDES}} for f in Field.objects.all()]


def listing_counts_by_city(*, limit: int = 15) -> list[dict]:
    """Published needs and capabilities per city, the busiest `limit` cities first."""
    counts: dict[str, dict[str, int]] = {}
    for side in SIDES:
        rows = (side.model.objects.filter(status=ListingStatus.PUBLISHED)
                .values("city").annotate(n=Count("id")))
        for row in rows:
            counts.setdefault(row["city"] or "", {})[side.kind] = row["n"]
    out = [{"city": city, **{s.kind: c.get(s.kind, 0) for s in SIDES}} for city, c in counts.items()]
    out.sort(key=lambda r: (-sum(r[s.kind] for s in SIDES), r["city"]))
    return out[:limit]


def listing_published_counts() -> dict[str, int]:
    """{"scenario": n, "capability": n}: published listings per side."""
    return {side.kind: side.model.objects.filter(status=ListingStatus.PUBLISHED).count() for side in SIDES}
def field_by_name(*, value: str) -> Field | None:
    """A field by its code or any of its three names (case-insensitive for code and English)."""
    value = (value or "").strip()
    if not value:
        return None
    folded = value.lower()
    return (Field.objects.annotate(code_l=Lower("code"), en_l=Lower("name_en"))
            .filter(Q(code_l=folded) | Q(en_l=folded) | Q(name_zh_hans=value) | Q(name_zh_hant=value))
            .order_by("order", "code").first())


def batch_get(*, batch_id: int) -> Batch:
    """One list (batch) with its published counts; lists are public."""
    batch = batch_list().filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No such list."))
    return batch


def listing_return_comment(*, listing: ListingBase) -> str:
    """The officer's comment that sent a returned listing back; "" in any other status. The
    caller has already checked that the actor may see the listing."""
    if listing.status != ListingStatus.RETURNED:
        return ""
    last = listing.transitions.filter(action=TransitionBase.Action.RETURN).order_by("-at", "-id").first()
    return last.comment if last else ""
