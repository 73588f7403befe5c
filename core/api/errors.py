"""One JSON shape for every API error, whatever raised it::

    {"error": {"code": "invalid_state", "message": "…", "fields": {"comment": ["…"]}}}

`code` is stable and meant for programs, `message` is for people (in the request's language),
`fields` maps an input field to its messages (empty unless the input was at fault).
"""
from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import DomainError

NON_FIELD = "non_field_errors"


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`, `invalid_state`.")
    message = serializers.CharField(help_text="Human-readable message in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Input field → messages; empty unless the input was at fault.",
    )

    class Meta:
        ref_name = "ErrorBody"


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()

    class Meta:
        ref_name = "Error"


def _safe(text: Any) -> str:
    """Messages may echo the input (a bad choice, an unknown field name); a lone surrogate in
    them would make the JSON response unencodable, so it becomes U+FFFD."""
    return str(text).encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def error_body(code: str, message: Any, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": _safe(message),
                      "fields": {_safe(k): [_safe(m) for m in v] for k, v in (fields or {}).items()}}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → {"a.b": ["message", …]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD if key in ("__all__", NON_FIELD) and not prefix else str(key)
            out.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
    elif isinstance(detail, (list, tuple)):
        if all(not isinstance(v, (dict, list, tuple)) for v in detail):
            out.setdefault(prefix or NON_FIELD, []).extend(str(v) for v in detail)
        else:
            for i, value in enumerate(detail):
                out.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return out


def _django_validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {NON_FIELD if k == "__all__" else k: [str(m) for e in v for m in e.messages]
                for k, v in exc.error_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: map every error an endpoint can meet to the shape
    above. Anything not listed here is a bug and is left to become a 500."""
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        code, status_code, message = exc.code, exc.status, exc.message
        fields = {k: [str(m) for m in (v if isinstance(v, (list, tuple)) else [v])] for k, v in exc.fields.items()}
    elif isinstance(exc, DjangoValidationError):
        code, status_code, message = "invalid", status.HTTP_400_BAD_REQUEST, _("Invalid input.")
        fields = _django_validation_fields(exc)
    elif isinstance(exc, RequestDataTooBig):
        code, status_code, message, fields = ("too_large", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                                              _("The request body is too large."), {})
    elif isinstance(exc, SuspiciousOperation):
        code, status_code, message, fields = "bad_request", status.HTTP_400_BAD_REQUEST, _("Bad request."), {}
    else:
        if isinstance(exc, Http404):
            exc = exceptions.NotFound()
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied()
        if not isinstance(exc, exceptions.APIException):
            return None
        status_code = exc.status_code
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = f"{math.ceil(exc.wait)}"
        if isinstance(exc, exceptions.ValidationError):
            code, message, fields = "invalid", _("Invalid input."), _flatten(exc.detail)
        else:
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else exc.default_code
            if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)) and status_code == 403:
                code = "permission_denied"
            message = exc.detail if isinstance(exc.detail, str) else exc.default_detail
            fields = {}
    set_rollback()
    return Response(error_body(code, message, fields), status=status_code, headers=headers)
