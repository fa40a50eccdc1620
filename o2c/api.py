"""The API conventions of API.md: pagination, errors, roles and `Idempotency-Key`.

Every API view of the project derives from `APIView` or `GenericAPIView` here (or mixes in
`IdempotentMixin`), so every POST honours `Idempotency-Key` and every request's query parameters
are checked once (`InputCheckMixin`). Bodies, fields and filters go
through o2c/api_fields.py. A database that is away is a 503, not a 500 (decision 0030).
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError, transaction
from django.http import Http404
from django.utils import timezone
from rest_framework import exceptions, generics, permissions, renderers, status, views
from rest_framework.request import Request
from rest_framework.response import Response

from o2c import idempotency
from o2c.csv import csv_writer
from o2c.errors import DomainError
from o2c.parsing import text_check
from o2c.roles import has_role

logger = logging.getLogger(__name__)

# The mixins below extend DRF's APIView; for the type checker they derive from it.
if TYPE_CHECKING:
    _MixinBase = views.APIView
else:
    _MixinBase = object

# The database is away (restarting, failing over, unreachable): the client should retry.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
DATABASE_UNAVAILABLE = {
    "detail": "the database is unavailable for a moment; try again (with the same Idempotency-Key)",
    "code": "database_unavailable",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus domain errors (400/409 naming the field) and Django's own errors."""
    # Services run in their own transaction, so a refused request has already left nothing
    # behind; IdempotentMixin rolls back its request-wide transaction on any non-2xx response.
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DATABASE_ERRORS):
        logger.error("database unavailable, answered 503: %s", exc)
        return Response(
            DATABASE_UNAVAILABLE,
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    elif isinstance(exc, DataError):
        # a value the column cannot hold (an amount of 10^20, say): bad input, not a crash
        logger.info("data error turned into 400: %s", exc)
        exc = exceptions.ValidationError({"detail": "a value is out of range for its field"})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return views.exception_handler(exc, context)


def role_permission(*roles: str) -> type[permissions.BasePermission]:
    """A DRF permission class admitting `roles` (manager and admin always included)."""

    class HasRole(permissions.BasePermission):
        message = f"this action is for {', '.join(roles)}"

        def has_permission(self, request: Request, view: Any) -> bool:
            return bool(request.user and request.user.is_authenticated and has_role(request.user, *roles))

    HasRole.__name__ = f"HasRole_{'_'.join(roles)}"
    return HasRole


class InputCheckMixin(_MixinBase):
    """Refuses, once for every API view, what no query parameter or header may carry: NUL and
    other control characters (PostgreSQL text cannot hold NUL; a search for it was a 500)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        for name, values in request.query_params.lists():
            for value in [name, *values]:
                try:
                    text_check(value, field=name)
                except DomainError as error:
                    raise exceptions.ValidationError(error.as_dict()) from None
        super().initial(request, *args, **kwargs)


class UTCTimestampsMixin(_MixinBase):
    """API.md: timestamps are ISO 8601 UTC, whatever the company's time zone."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        timezone.activate(datetime.UTC)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        timezone.deactivate()
        return response


class IdempotentMixin(_MixinBase):
    """Applies `Idempotency-Key` to POSTs: the view runs in one transaction with its stored response."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method != "POST" or idempotency.HEADER not in request.META:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            pending = getattr(self, "_idempotency_pending", None)
            if pending is None:
                return response
            if 200 <= response.status_code < 300:
                idempotency.idempotency_store(
                    **pending,
                    status_code=response.status_code,
                    body=getattr(response, "data", None),
                    headers={name: response[name] for name in ("Location",) if response.has_header(name)},
                )
            else:
                transaction.set_rollback(True)
            return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        key = request.META.get(idempotency.HEADER) if request.method == "POST" else None
        if not key or not request.user.is_authenticated:
            return
        if len(key) > idempotency.MAX_KEY_LENGTH:
            raise exceptions.ValidationError({"Idempotency-Key": ["at most 255 characters"]})
        try:
            text_check(key, field="Idempotency-Key")
        except DomainError as error:
            raise exceptions.ValidationError(error.as_dict()) from None
        fingerprint = idempotency.request_fingerprint(
            method=str(request.method), path=request.path, body=request._request.body
        )
        outcome = idempotency.idempotency_begin(user_id=request.user.pk, key=key, fingerprint=fingerprint)
        if outcome.kind == "in_flight":
            raise IdempotencyConflict()
        if outcome.kind == "mismatch":
            raise IdempotencyMismatch()
        if outcome.kind == "replay":
            raise IdempotentReplay(outcome.record)
        self._idempotency_pending = {
            "user_id": request.user.pk,
            "key": key,
            "method": request.method,
            "path": request.path,
            "fingerprint": fingerprint,
        }

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, IdempotentReplay):
            record = exc.record
            response = Response(
                record.response_body, status=record.status_code, headers=record.response_headers
            )
            response[idempotency.REPLAYED_HEADER] = "true"
            return response
        return super().handle_exception(exc)


class IdempotentReplay(Exception):
    def __init__(self, record: Any) -> None:
        super().__init__("replay")
        self.record = record


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "a request with this Idempotency-Key is still in flight"
    default_code = "idempotency_in_flight"


class IdempotencyMismatch(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "this Idempotency-Key was used with a different request body"
    default_code = "idempotency_key_reused"


class APIView(InputCheckMixin, UTCTimestampsMixin, IdempotentMixin, views.APIView):
    pass


class GenericAPIView(InputCheckMixin, UTCTimestampsMixin, IdempotentMixin, generics.GenericAPIView[Any]):
    pass


class ListAPIView(InputCheckMixin, UTCTimestampsMixin, IdempotentMixin, generics.ListAPIView[Any]):
    pass


class ListCreateAPIView(
    InputCheckMixin, UTCTimestampsMixin, IdempotentMixin, generics.ListCreateAPIView[Any]
):
    pass


class RetrieveAPIView(InputCheckMixin, UTCTimestampsMixin, IdempotentMixin, generics.RetrieveAPIView[Any]):
    pass


class RetrieveUpdateAPIView(
    InputCheckMixin, UTCTimestampsMixin, IdempotentMixin, generics.RetrieveUpdateAPIView[Any]
):
    pass


class CSVRenderer(renderers.BaseRenderer):
    """`?format=csv` on reports: renders a list of flat dicts (the view builds it, best as
    `o2c.csv.csv_table(columns, rows)` so that an empty table keeps its header row) through
    o2c.csv, the one CSV writer. The body is never empty: without columns it is one empty line,
    so the response keeps its `Content-Type` (DRF drops it for an empty body)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        if not isinstance(data, list):  # an error body
            data = [data] if isinstance(data, dict) else []
        columns = getattr(data, "columns", None) or (list(data[0].keys()) if data else [])
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(columns)
        for row in data:
            writer.writerow(row.get(column) for column in columns)
        return buffer.getvalue().encode(self.charset)


def wants_csv(request: Request) -> bool:
    return getattr(getattr(request, "accepted_renderer", None), "format", None) == "csv"
