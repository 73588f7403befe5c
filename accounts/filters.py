"""Filters of the organisation API endpoints."""
from __future__ import annotations

from django_filters import rest_framework as filters

from core.api.filters import BoolFilter, TextFilter

from .models import Organization


class OrganizationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Organization.Kind.choices)
    verified = BoolFilter()
    province = TextFilter(max_length=32)
    city = TextFilter(max_length=32)
    q = TextFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = Organization
        fields = ["kind", "verified", "province", "city", "q"]
