"""The error answers in the OpenAPI schema (decision 0038): one `Error` component whose `code` is
the `ErrorCode` enum of every code the project knows, declared as the 400 and 409 answer of every
operation. A drf-spectacular postprocessing hook (`SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`),
so no view has to declare them one by one."""

from __future__ import annotations

from typing import Any

from o2c.api import known_error_codes

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
ERROR_ANSWERS = {
    "400": "Invalid input: the field in error with its messages, or `detail`; and the `code`.",
    "409": "The object's state does not allow the action: `detail` and the `code`.",
}
CODE_REF = {"$ref": "#/components/schemas/ErrorCode"}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


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
    """Add `ErrorCode` and `Error` to the components and the 400 and 409 answers to every
    operation (keeping an operation's own description of them)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorCode"] = error_code_schema()
    schemas["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_ANSWERS.items():
                declared = responses.get(status) or {}
                responses[status] = {
                    "description": declared.get("description") or description,
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
    return result
