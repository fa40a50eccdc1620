"""API.md pagination: `{"count", "next", "previous", "results"}`, `?page=`, `?page_size=` up to 500.

Kept apart from o2c.api because DRF imports it while loading its generic views."""

from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
