"""The base class of every endpoint, and the answer for unknown paths under /api/."""
from __future__ import annotations

from typing import Any

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer


class Api(GenericAPIView):
    """Parse input with a serializer, call one service or selector, render with a serializer.

    Subclasses nest `InputSerializer` / `OutputSerializer` (or point them at shared ones) and
    pass the acting user to everything as `actor`.
    """

    def serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "actor": self.request.user, "view": self}

    def get_serializer_context(self) -> dict[str, Any]:
        return self.serializer_context()

    def validated(self, serializer_class: type[BaseSerializer], **kwargs: Any) -> dict[str, Any]:
        """The request body, validated (a 400 with field messages otherwise)."""
        serializer = serializer_class(data=self.request.data, context=self.serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(self, serializer_class: type[BaseSerializer], instance: Any,
                status_code: int = status.HTTP_200_OK) -> Response:
        return Response(serializer_class(instance, context=self.serializer_context()).data, status=status_code)

    def respond_page(self, serializer_class: type[BaseSerializer], queryset) -> Response:
        """Filter (django-filter, from the view's filterset_class), paginate and render."""
        page = self.paginate_queryset(self.filter_queryset(queryset))
        data = serializer_class(page, many=True, context=self.serializer_context()).data
        return self.get_paginated_response(data)


class ApiNotFoundApi(Api):
    """Any path under /api/ that is not an endpoint: a 404 in the API's error shape, whatever
    the method (instead of Django's HTML page or a trailing-slash redirect)."""

    schema = None
    permission_classes = [AllowAny]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def _not_found(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = options = _not_found


class _JsonErrors:
    """Errors in the API's JSON shape even from views that render something else (the schema in
    YAML, the docs in HTML)."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaApi(_JsonErrors, SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; JSON with `?format=json`). Anyone may read it."""


class DocsApi(_JsonErrors, SpectacularSwaggerView):
    """Swagger UI over the schema, with its assets served from this site (drf-spectacular-sidecar)."""
