"""The OpenAPI schema says everything the API can answer (decisions 0038 and 0043).

- `AutoSchema` (`REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`) reads each view once and declares the
  error answers it can really give, with the `Error` body: 400 on every operation (bodies,
  parameters, and the query string every API view checks), 401 where a token is needed, 403 where
  a role (or, for a browser session, CSRF) can be refused, 404 where a path names an object or a
  list can be paged past its end, 409 on state-changing methods, 422 with the `Idempotency-Key`
  header (and `Idempotent-Replayed` on the success answers) on the POSTs that honour it, 429 where
  a throttle applies, 503 where the database can be away. Nothing per view: an endpoint added
  later is covered by deriving from the base views of o2c/api.py, as every API view does.
- Request bodies are JSON unless a view names its own parsers (an upload's multipart).
- The postprocessing hook `error_responses` adds the `Error` and `ErrorCode` components.
- o2c/api_schema_fields.py says what the parsing fields of o2c/api_fields.py accept.
"""

from __future__ import annotations

import logging
from typing import Any

from drf_spectacular import openapi
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication

from o2c import api_schema_fields
from o2c.api import IdempotentMixin, InputCheckMixin, known_error_codes
from o2c.api_fields import DateFilter, IdChoiceFilter, IdFilter
from o2c.idempotency import MAX_KEY_LENGTH, REPLAYED_HEADER
from o2c.parsing import MAX_ID

logger = logging.getLogger(__name__)

CODE_REF = {"$ref": "#/components/schemas/ErrorCode"}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
# No control character (Unicode Cc): what `o2c.parsing.text_check` refuses (api_schema_fields.py).
NO_CONTROL_CHARACTER = f"^[^{api_schema_fields.CONTROL}]*$"

ANSWERS = {
    "400": "Invalid input (the body, a parameter, a query string with a control character, the "
    "`Idempotency-Key`): the fields in error with their messages, or `detail`; and the `code`.",
    "401": "No token, or a token that is not valid (`Authorization: Token <key>`).",
    "403": "The caller's role may not do this (or, for a browser session, the CSRF check failed).",
    "404": "No such object, or one outside the caller's reach; for a list, a page past the last; "
    "a `format` the operation does not render.",
    "409": "The object's state does not allow the action, another request changed it meanwhile, or a "
    "request with the same `Idempotency-Key` is still in flight: `detail` and the `code`.",
    "422": "The `Idempotency-Key` was used within 24 hours with a different request "
    "(`idempotency_key_reused`).",
    "429": "Too many attempts: wait for the seconds in `Retry-After`.",
    "503": "The database is away for a moment: retry after `Retry-After` seconds "
    "(with the same `Idempotency-Key`).",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Any string of your choice, unique per request you mean once: the same key with "
    "the same body within 24 hours answers the first response again (header `Idempotent-Replayed: "
    "true`) and changes nothing; with a different body it is a 422; while the first is still running, a "
    "409. Only successful answers are remembered: after a 4xx, fix the request and send it again.",
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH, "pattern": NO_CONTROL_CHARACTER},
}
IDEMPOTENT_REPLAYED = {
    REPLAYED_HEADER: {
        "description": "`true` when this is the stored answer to an earlier request with the same "
        "`Idempotency-Key`.",
        "required": False,
        "schema": {"type": "string", "enum": ["true"]},
    }
}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date", "pattern": api_schema_fields.DATE_PATTERN}
PAGE_SIZE = "Results per page, at most 500 (more is read as 500)."
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
JSON = "application/json"


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, plus what the project's API conventions answer (module docstring)."""

    def map_parsers(self) -> list[Any]:
        """The API's bodies are JSON (API.md); DRF's form parsers stay for the browsable API and are
        not part of the contract. A view with its own parsers (an upload) keeps them."""
        parsers = self.view.get_parsers()
        if [type(parser) for parser in parsers] == list(self.view.settings.DEFAULT_PARSER_CLASSES):
            return [JSON]
        return list(super().map_parsers())

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            self._parameter_tighten(parameter)
        authenticated = self._authenticated()
        if not authenticated:
            operation["security"] = []  # explicit: no scheme applies
        if self._idempotent(authenticated):
            operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    response.setdefault("headers", {}).update(IDEMPOTENT_REPLAYED)
        responses = operation["responses"]
        for status in self._error_statuses(operation, authenticated):
            declared = responses.get(status) or {}
            responses[status] = {
                "description": declared.get("description") or ANSWERS[status],
                "content": {JSON: {"schema": ERROR_REF}},
            }
            if status in ("429", "503"):
                responses[status]["headers"] = dict(RETRY_AFTER)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        """A serializer's `requires_one_of = ("lines", "amount")`: one of them at least."""
        schema = super()._map_basic_serializer(serializer, direction)  # type: ignore[no-untyped-call]
        names = getattr(serializer, "requires_one_of", None)
        if names and direction == "request":
            schema["anyOf"] = [{"required": [name]} for name in names]
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        """drf-spectacular writes blank text as `oneOf: [the text, ""]` and leaves the `default`
        in the first branch, where `""` does not fit it: the default goes beside the `oneOf`."""
        super()._insert_field_validators(field, schema)  # type: ignore[no-untyped-call]
        branches = schema.get("oneOf")
        if branches and isinstance(branches[0], dict) and "default" in branches[0]:
            schema["default"] = branches[0].pop("default")

    def _parameter_tighten(self, parameter: dict[str, Any]) -> None:
        """A path or query parameter as the API reads it: path ids, filters through o2c/parsing.py
        (ids, dates), pages, and no control character in any text (`InputCheckMixin`)."""
        name, schema = parameter["name"], parameter.get("schema", {})
        if parameter["in"] == "path" and schema.get("type") == "integer":
            parameter["schema"] = {**schema, **ID}
        if parameter["in"] != "query":
            return
        # an empty value is no value: no filter, the first page, the default (django-filter, DRF)
        parameter["allowEmptyValue"] = True
        if name in ("page", "page_size"):
            parameter["schema"] = {"type": "integer", "minimum": 1}
            if name == "page_size":
                parameter["description"] = PAGE_SIZE
        elif isinstance(self._filters().get(name), IdFilter | IdChoiceFilter):
            parameter["schema"] = dict(ID)
        elif isinstance(self._filters().get(name), DateFilter):
            parameter["schema"] = dict(DATE)
        elif schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
            parameter["schema"] = {**schema, "pattern": NO_CONTROL_CHARACTER}

    def _filters(self) -> dict[str, Any]:
        """The view's django-filter filters by name (none when it has no filter set)."""
        if not hasattr(self, "_filters_found"):
            self._filters_found: dict[str, Any] = {}
            for backend in self.get_filter_backends():  # classes
                if hasattr(backend, "get_filterset_class") and hasattr(self.view, "get_queryset"):
                    try:
                        queryset = self.view.get_queryset()
                    except Exception:  # a queryset that needs a real request: its parameters stay plain
                        logger.warning("no filters read for %s", type(self.view).__name__, exc_info=True)
                        continue
                    filterset = backend().get_filterset_class(self.view, queryset)
                    self._filters_found.update(filterset.base_filters if filterset else {})
        return self._filters_found

    def _authenticated(self) -> bool:
        """A token is needed: the view authenticates and does not let anyone in."""
        allow_any = any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        return bool(self.view.get_authenticators()) and not allow_any

    def _idempotent(self, authenticated: bool) -> bool:
        """`IdempotentMixin` keys a request by its user: it applies to authenticated POSTs."""
        return self.method == "POST" and authenticated and isinstance(self.view, IdempotentMixin)

    def _role_refusable(self) -> bool:
        """A permission beyond "authenticated" (a role), or a session whose CSRF check can fail."""
        plain = (permissions.AllowAny, permissions.IsAuthenticated)
        by_role = any(type(p) not in plain for p in self.view.get_permissions())
        csrf = self.method in UNSAFE_METHODS and any(
            isinstance(a, SessionAuthentication) for a in self.view.get_authenticators()
        )
        return by_role or csrf

    def _error_statuses(self, operation: dict[str, Any], authenticated: bool) -> list[str]:
        statuses = []
        if (
            isinstance(self.view, InputCheckMixin)
            or "requestBody" in operation
            or operation.get("parameters")
        ):
            statuses.append("400")
        if authenticated:
            statuses.append("401")
            if self._role_refusable():
                statuses.append("403")
        paged = self.method == "GET" and self._is_list_view() and getattr(self.view, "pagination_class", None)
        queried = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if (
            "{" in self.path or paged or "format" in queried
        ):  # a path id; a page past the last; no such format
            statuses.append("404")
        if self.method in UNSAFE_METHODS and (authenticated or "409" in operation["responses"]):
            statuses.append("409")
        if self._idempotent(authenticated):
            statuses.append("422")
        if self.view.get_throttles():
            statuses.append("429")
        statuses.append("503")  # o2c.api.exception_handler: the database is away
        return statuses


def error_code_schema() -> dict[str, Any]:
    """The enum of every code, with the enum (hence the app) that owns each listed."""
    owners: dict[str, list[str]] = {}
    for code, enum in known_error_codes().items():
        owners.setdefault(enum.__name__, []).append(code)
    listed = "\n".join(
        f"- `{name}`: {', '.join(f'`{code}`' for code in sorted(codes))}" for name, codes in owners.items()
    )
    return {
        "type": "string",
        "enum": sorted(known_error_codes()),
        "description": "The machine-readable code of an error: stable, unlike the message. "
        "By owner:\n\n" + listed,
    }


ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'API.md\'s error body — `{"field": ["message"]}` or `{"detail": "message"}` — with its '
        'machine code: `{"detail": "…", "code": "order_not_cancellable"}`. When a field named '
        "`code` is itself in error (customers, products, warehouses, ledger accounts), `code` holds "
        "that field's messages and the machine code travels as `error_code`."
    ),
    "properties": {
        "detail": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "The message, when the error names no field.",
        },
        "code": {
            "oneOf": [CODE_REF, {"type": "array", "items": {"type": "string"}}],
            "description": "The machine code; or the messages of a field named `code` (then see `error_code`).",
        },
        "error_code": {
            "allOf": [CODE_REF],
            "description": "The machine code, only when `code` is a field in error.",
        },
    },
    "additionalProperties": {
        "description": "A field in error: its messages (a list of strings; for a list of lines, a list "
        "with each line's fields in error)."
    },
}


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """The components the error answers refer to (`AutoSchema` declares the answers)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            # a request body is the fields the API reads: unknown ones are not part of the contract
            # (the API ignores them; schemathesis sends them only to break a request)
            schema.setdefault("additionalProperties", False)
    schemas["ErrorCode"] = error_code_schema()
    schemas["Error"] = ERROR_SCHEMA
    return result
