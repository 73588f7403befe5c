"""Filters of the capability API endpoints (the same as for needs)."""
from __future__ import annotations

from scenarios.filters import ListingFilterBase

from .models import Capability


class CapabilityFilter(ListingFilterBase):
    class Meta:
        model = Capability
        fields = ["status", "field", "province", "city", "language", "organization", "batch", "q"]
