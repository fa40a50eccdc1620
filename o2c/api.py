"""The API conventions of API.md: pagination, errors, roles and `Idempotency-Key`.

Every API view of the project derives from `APIView` or `GenericAPIView` here (or mixes in
`IdempotentMixin`), so every POST honours `Idempotency-Key` and every request's query parameters
are checked once (`InputCheckMixin`). Bodies, fields and filters go
through o2c/api_fields.py. A database that is away is a 503, not a 500 (decision 0030).
"""

from __future__ import annotations

import functools
import importlib
import io
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError, transaction
from django.http import Http404
from rest_framework import exceptions, generics, permissions, renderers, status, views
from rest_framework.fields import get_error_detail
from rest_framework.request import Request
from rest_framework.response import Response

from o2c import idempotency
from o2c.csv import csv_writer
from o2c.errors import DomainError, ErrorCode, KernelErrorCode, error_codes
from o2c.parsing import text_check
from o2c.roles import has_role
from o2c.transactions import whole

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
    "code": KernelErrorCode.DATABASE_UNAVAILABLE,
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus domain errors (400/409 naming the field) and Django's own errors."""
    # Services run in their own transaction, so a refused request has already left nothing
    # behind; IdempotentMixin rolls back its request-wide transaction on any non-2xx response.
    if isinstance(exc, DomainError):
        return Response(error_body(exc.as_dict(), code=str(exc.code)), status=exc.status_code)
    if isinstance(exc, DATABASE_ERRORS):
        logger.error("database unavailable, answered 503: %s", exc)
        return Response(
            DATABASE_UNAVAILABLE,
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoValidationError):
        # DRF's own conversion keeps each message's code (`unique`, `max_length`, …)
        exc = exceptions.ValidationError(
            get_error_detail(exc) if hasattr(exc, "error_dict") else {"detail": get_error_detail(exc)}
        )
    elif isinstance(exc, DataError):
        # a value the column cannot hold (an amount of 10^20, say): bad input, not a crash
        logger.info("data error turned into 400: %s", exc)
        exc = exceptions.ValidationError(
            {"detail": "a value is out of range for its field"}, code=KernelErrorCode.OUT_OF_RANGE
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = views.exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        data = response.data
        if isinstance(data, list):  # `raise ValidationError("…")` outside a serializer
            data = {"detail": " ".join(str(message) for message in data)}
        response.data = error_body(data, code=_first_code(exc.get_codes(), status=response.status_code))
    return response


def error_body(data: Mapping[str, Any], *, code: str) -> dict[str, Any]:
    """API.md's error body (`{"field": ["message"]}` or `{"detail": "message"}`) with its machine
    code added as `"code"`; when a field named `code` is itself in error (customers, products,
    warehouses and accounts have one), `"code"` keeps that field's messages as API.md says and
    the machine code travels as `"error_code"` (decision 0038)."""
    return {**data, ("error_code" if "code" in data else "code"): code}


def _first_code(codes: Any, *, status: int) -> str:
    """The code of the first error in `exc.get_codes()` (a code, or lists and dicts of them, in the
    order the serializer's fields are declared), if it is one of ours; else the generic one."""
    while isinstance(codes, list | dict) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    if isinstance(codes, str) and codes in known_error_codes():
        return str(codes)
    logger.warning("an error code outside the ErrorCode enums: %r", codes)
    return KernelErrorCode.INVALID if status == 400 else KernelErrorCode.ERROR


@functools.cache
def known_error_codes() -> dict[str, type[ErrorCode]]:
    """Every code of every app: the schema's enum. The `errors` modules of the project's apps and
    of their concept packages (`receivables/cash/errors.py`) are imported first."""
    for app in apps.get_app_configs():
        root = Path(app.path)
        if not root.is_relative_to(settings.BASE_DIR):
            continue
        for path in sorted(root.rglob("errors.py")):
            package = path.parent.relative_to(root).parts
            if "tests" not in package and "migrations" not in package:
                importlib.import_module(".".join((app.name, *package, "errors")))
    return error_codes()


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
                    raise exceptions.ValidationError(error.as_dict(), code=error.code) from None
        paginator = getattr(self, "paginator", None)
        if paginator is not None and hasattr(paginator, "get_page_size"):
            paginator.get_page_size(request)  # a bad ?page_size= is a 400 even where unused (CSV)
        super().initial(request, *args, **kwargs)


class JSONErrorsMixin(_MixinBase):
    """An error answers in JSON even when `?format=csv` was asked for: a client reads its body and
    its `code` the same way everywhere (decision 0038)."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(getattr(self.request, "accepted_renderer", None), CSVRenderer):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)


class IdempotentMixin(_MixinBase):
    """Applies `Idempotency-Key` to POSTs: the view runs in one transaction with its stored response."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method != "POST" or idempotency.HEADER not in request.META:
            return super().dispatch(request, *args, **kwargs)
        with whole():  # any error rolls back everything: the steps inside need no savepoints
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
            raise exceptions.ValidationError(
                {"Idempotency-Key": ["at most 255 characters"]}, code=KernelErrorCode.MAX_LENGTH
            )
        try:
            text_check(key, field="Idempotency-Key")
        except DomainError as error:
            raise exceptions.ValidationError(error.as_dict(), code=error.code) from None
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
    default_code = KernelErrorCode.IDEMPOTENCY_IN_FLIGHT


class IdempotencyMismatch(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "this Idempotency-Key was used with a different request body"
    default_code = KernelErrorCode.IDEMPOTENCY_KEY_REUSED


class APIView(InputCheckMixin, JSONErrorsMixin, IdempotentMixin, views.APIView):
    pass


class GenericAPIView(InputCheckMixin, JSONErrorsMixin, IdempotentMixin, generics.GenericAPIView[Any]):
    pass


class ListAPIView(InputCheckMixin, JSONErrorsMixin, IdempotentMixin, generics.ListAPIView[Any]):
    pass


class ListCreateAPIView(InputCheckMixin, JSONErrorsMixin, IdempotentMixin, generics.ListCreateAPIView[Any]):
    pass


class RetrieveAPIView(InputCheckMixin, JSONErrorsMixin, IdempotentMixin, generics.RetrieveAPIView[Any]):
    pass


class RetrieveUpdateAPIView(
    InputCheckMixin, JSONErrorsMixin, IdempotentMixin, generics.RetrieveUpdateAPIView[Any]
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
