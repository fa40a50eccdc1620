"""API.md pagination: `{"count", "next", "previous", "results"}`, `?page=`, `?page_size=` up to 500.

Kept apart from o2c.api because DRF imports it while loading its generic views."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import exceptions, pagination

from o2c.errors import KernelErrorCode

_DIGITS = re.compile(r"[0-9]+\Z")


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Any) -> int:
        """`?page_size=` is a whole number (ASCII digits) from 1; more than 500 is read as 500.
        Anything else is a 400 naming it: DRF would quietly use the default page size, and a client
        would never learn that its `page_size=ten` was not read (decision 0043)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        digits = raw.lstrip("0")
        if not _DIGITS.match(raw) or not digits:
            raise exceptions.ValidationError(
                {self.page_size_query_param: ["must be a whole number from 1"]}, code=KernelErrorCode.INVALID
            )
        # no int() of thousands of digits (Python refuses past 4,300): past 4 digits it is over 500
        return self.max_page_size if len(digits) > 4 else min(int(digits), self.max_page_size)
