"""Page-number pagination with a capped page size."""
from __future__ import annotations

from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    page_size_query_description = "Items per page (at most API_MAX_PAGE_SIZE, 100 by default)."

    @property
    def max_page_size(self) -> int:  # read per request so that tests and deployments can change it
        return settings.API_MAX_PAGE_SIZE
