"""Filter building blocks shared by the apps' filters.py (django-filter)."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.validators import validate_clean_text

ID_MAX = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IntFilter(filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals such as 1e999)."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.DOUBLE)
class FloatFilter(filters.NumberFilter):
    """A finite number."""

    field_class = forms.FloatField


class IdFilter(IntFilter):
    """A primary key: a whole number that fits a bigint."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class TextFilter(filters.CharFilter):
    """Free text, capped and refused when it carries control characters."""

    def __init__(self, *args, max_length: int = 100, **kwargs):
        kwargs.setdefault("validators", [validate_clean_text])
        super().__init__(*args, max_length=max_length, **kwargs)


class _StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, not "no filter"."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise ValidationError(_("Enter true or false."), code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class BoolFilter(filters.BooleanFilter):
    field_class = _StrictBooleanField

    def __init__(self, *args, **kwargs):
        # the rest_framework BooleanFilter's widget turns any other value into "no filter"
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


def query_bool(request, name: str) -> bool:
    """A boolean query parameter outside a filter set, with the same rule (400 when malformed)."""
    from rest_framework.exceptions import ValidationError as ApiValidationError

    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return False
    try:
        return bool(_StrictBooleanField().to_python(raw))
    except ValidationError as exc:
        raise ApiValidationError({name: exc.messages})
