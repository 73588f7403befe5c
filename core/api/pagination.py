"""Page-number pagination with a capped page size."""
from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`page_size` above API_MAX_PAGE_SIZE is capped; one that is not a positive whole number is
    refused (DRF would silently fall back to the default, hiding the client's mistake)."""

    page_size_query_param = "page_size"
    page_size_query_description = "Items per page; values above API_MAX_PAGE_SIZE (100 by default) are capped."

    @property
    def max_page_size(self) -> int:  # read per request so that tests and deployments can change it
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [_("Enter a whole number of at least 1.")]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            param["schema"]["minimum"] = 1
        return params
