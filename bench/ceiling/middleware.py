"""pghistory's middleware for every path but the ceiling's (bench.settings)."""

from pghistory.middleware import HistoryMiddleware as _HistoryMiddleware

CEILING_PREFIX = "/bench/ceiling/"


class HistoryMiddleware(_HistoryMiddleware):
    def __call__(self, request):
        if request.path.startswith(CEILING_PREFIX):
            return self.get_response(request)
        return super().__call__(request)
