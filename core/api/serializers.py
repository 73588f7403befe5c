"""The base of every API input serializer: input is refused before anything touches the
database when it carries unknown fields, NUL bytes, control characters or lone surrogates."""
from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import validate_clean_text


class _CleanInput:
    """Mixin for Serializer and ModelSerializer."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.CharField) and validate_clean_text not in field.validators:
                field.validators = [*field.validators, validate_clean_text]
        return fields

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            errors = {str(k): [_("Unknown field.")] for k in data if k not in writable}
            # Before any field runs its validators: some of them query the database (a unique
            # name), which cannot take a NUL byte or a lone surrogate.
            errors.update({str(k): [_clean_text_message()] for k, v in data.items()
                           if k in writable and _is_dirty(v)})
            # JSON has types: 0 is not a name and "5" is not a number (DRF would coerce both)
            errors.update({k: [_("Incorrect type: expected %(type)s.") % {"type": expected}]
                           for k, v in data.items() if k in writable and k not in errors
                           and (expected := _json_type_error(self.fields[k], v))})
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _json_type_error(field: serializers.Field, value) -> str | None:
    """The JSON type `field` expects when `value` is not of it, else None."""
    if value is None:
        return None  # allow_null decides
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "a boolean"
    if isinstance(value, bool):
        return "a number" if isinstance(field, (serializers.IntegerField, serializers.FloatField,
                                                 serializers.DecimalField)) else "a string"
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) else "an integer"
    if isinstance(field, (serializers.FloatField, serializers.DecimalField)):
        return None if isinstance(value, (int, float)) else "a number"
    if isinstance(field, (serializers.CharField, serializers.ChoiceField, serializers.DateField,
                          serializers.DateTimeField)):
        return None if isinstance(value, str) else "a string"
    return None


def _clean_text_message() -> str:
    try:
        validate_clean_text("\x00")
    except DjangoValidationError as exc:
        return exc.messages[0]
    raise AssertionError("validate_clean_text accepted a NUL byte")


def _is_dirty(value) -> bool:
    if isinstance(value, str):
        try:
            validate_clean_text(value)
        except DjangoValidationError:
            return True
        return False
    if isinstance(value, Mapping):
        return any(_is_dirty(k) or _is_dirty(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_is_dirty(v) for v in value)
    return False


class InputSerializer(_CleanInput, serializers.Serializer):
    pass


class ModelInputSerializer(_CleanInput, serializers.ModelSerializer):
    pass
