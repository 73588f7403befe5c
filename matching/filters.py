"""Filters of the match API endpoints; they narrow what the selectors let the actor see."""
from __future__ import annotations

from django_filters import rest_framework as filters

from core.api.filters import FloatFilter, IdFilter, TextFilter

from .models import Match, MatchStatus


class MatchFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=MatchStatus.choices)
    min_score = FloatFilter(field_name="score", lookup_expr="gte", help_text="Lowest total score.")
    field = TextFilter(field_name="scenario__field__code", max_length=40, help_text="The need's field code.")
    scenario = IdFilter(field_name="scenario_id")
    capability = IdFilter(field_name="capability_id")

    class Meta:
        model = Match
        fields = ["status", "min_score", "field", "scenario", "capability"]
