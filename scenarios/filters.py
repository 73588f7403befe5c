"""Filters of the listing and list (batch) API endpoints. They narrow what the selectors
already limited to what the actor may see; they never widen it."""
from __future__ import annotations

from django_filters import rest_framework as filters

from core.api.filters import IdFilter, IntFilter, TextFilter

from .models import Batch, Language, ListingStatus, Scenario
from .selectors import keyword_q


class ListingFilterBase(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ListingStatus.choices, help_text="Workflow status.")
    field = TextFilter(field_name="field__code", max_length=40, help_text="Field code, e.g. `smart-imaging`.")
    province = TextFilter(max_length=32)
    city = TextFilter(max_length=32)
    language = filters.ChoiceFilter(choices=Language.choices)
    organization = IdFilter(field_name="organization_id", help_text="Posting organisation id.")
    batch = IdFilter(field_name="batch_id", help_text="List (batch) id.")
    q = TextFilter(method="filter_keywords",
                   help_text="Keywords in Simplified or Traditional Chinese or English; every term must occur.")

    def filter_keywords(self, queryset, name, value):
        return queryset.filter(keyword_q(value)) if value.strip() else queryset


class ScenarioFilter(ListingFilterBase):
    class Meta:
        model = Scenario
        fields = ["status", "field", "province", "city", "language", "organization", "batch", "q"]


class BatchFilter(filters.FilterSet):
    q = TextFilter(field_name="name", lookup_expr="icontains", help_text="Part of the list's name.")
    year = IntFilter(field_name="published_on__year", min_value=1, max_value=9999, help_text="Year of publication.")

    class Meta:
        model = Batch
        fields = ["q", "year"]
