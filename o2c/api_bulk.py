"""Bulk creation (`POST /orders/bulk/`, `POST /payments/bulk/`; decision 0047).

`{"items": [...]}` of up to `MAX_ITEMS` bodies, each exactly what the single `POST` takes. Each
item runs the single endpoint's own code path (its serializer, then its pipeline step or service,
passed in as `create_one`) in its own transaction; its result is the status and body that single
call would have answered, errors included (through the project's exception handler, so with their
`code`). One item failing never touches the others. The whole request answers 200: the batch was
processed, and each item's outcome is in its result.

Under `Idempotency-Key` the request already runs in one transaction (o2c/api.py), so each item's
transaction is a savepoint of it: a failing item still rolls back alone, and the replay answers
the same results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from o2c.errors import KernelErrorCode

logger = logging.getLogger(__name__)

MAX_ITEMS = 500


class BulkIn(serializers.Serializer[Any]):
    """The envelope only: each item is checked by the single endpoint's serializer, one by one, so
    that a bad item fails alone instead of refusing the batch."""

    items = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=False,
        max_length=MAX_ITEMS,
        help_text=f"1 to {MAX_ITEMS} bodies, each exactly the body of the single POST",
    )


def bulk_create(
    *, view: APIView, request: Request, create_one: Callable[[dict[str, Any]], Response]
) -> Response:
    """Validate the envelope, then run `create_one(item)` for each item in its own transaction
    and answer `{"results": [{"index", "status", "body"}], "created", "failed"}`."""
    envelope = BulkIn(data=request.data)
    envelope.is_valid(raise_exception=True)
    handler = view.get_exception_handler()
    context = view.get_exception_handler_context()
    results: list[dict[str, Any]] = []
    for index, item in enumerate(envelope.validated_data["items"]):
        try:
            with transaction.atomic():
                answer = create_one(item)
        except Exception as exc:  # the item's error, as the single call would have answered it
            answer = handler(exc, context)
            if answer is None:  # not an API error: a bug; the other items still get their answer
                logger.exception("bulk item %s of %s failed", index, request.path)
                answer = Response(
                    {"detail": "internal error", "code": KernelErrorCode.ERROR},
                    status=status.HTTP_500_INTERNAL_SERVER_ERROR,
                )
        results.append({"index": index, "status": answer.status_code, "body": answer.data})
    created = sum(1 for result in results if 200 <= result["status"] < 300)
    return Response({"results": results, "created": created, "failed": len(results) - created})


def _body_field(out: type[serializers.Serializer[Any]]) -> type[serializers.JSONField]:
    """A JSON field documented as `out` or `Error` (anyOf: an object may fit both)."""
    body = type(f"{out.__name__}OrError", (serializers.JSONField,), {})
    refs = [{"$ref": f"#/components/schemas/{out.__name__}"}, {"$ref": "#/components/schemas/Error"}]
    return extend_schema_field({"anyOf": refs})(body)


def bulk_schema(*, single: type[serializers.Serializer[Any]], out: type[serializers.Serializer[Any]]) -> Any:
    """The drf-spectacular annotation of a bulk POST whose items are `single` bodies answering `out`."""
    name = single.__name__.removesuffix("In")
    request = inline_serializer(
        name=f"{name}BulkIn",
        fields={
            "items": serializers.ListField(
                child=serializers.DictField(),
                min_length=1,
                max_length=MAX_ITEMS,
                help_text=f"1 to {MAX_ITEMS} objects, each exactly the body of the single POST "
                f"(the `{single.__name__}` schema). Each is validated on its own: a bad item fails "
                "in its result, not the request.",
            )
        },
    )
    results = inline_serializer(
        name=f"{name}BulkResult",
        many=True,
        fields={
            "index": serializers.IntegerField(help_text="the item's position in `items`, from 0"),
            "status": serializers.IntegerField(
                help_text="the HTTP status the single POST would have answered (201 created, 400, 409, …)"
            ),
            "body": _body_field(out)(
                help_text=f"the created object (`{out.__name__}`) or the error body with its `code` (`Error`)"
            ),
        },
    )
    response = inline_serializer(
        name=f"{name}BulkOut",
        fields={
            "results": results,
            "created": serializers.IntegerField(),
            "failed": serializers.IntegerField(),
        },
    )
    return extend_schema(
        request=request,
        responses={200: response},
        description=(
            f"Up to {MAX_ITEMS} items, each the body of the single POST, each in its own transaction "
            "with its own result (decision 0047). The request answers 200 once the envelope is valid; "
            "each result carries the status and body the single call would have answered. More than "
            f"{MAX_ITEMS} items, none, or an item that is not an object: 400 naming `items`."
        ),
        examples=[
            OpenApiExample(
                "one created, one refused",
                response_only=True,
                value={
                    "results": [
                        {"index": 0, "status": 201, "body": {"id": 41, "number": "…"}},
                        {
                            "index": 1,
                            "status": 400,
                            "body": {"customer": ["customer 999 does not exist"], "code": "does_not_exist"},
                        },
                    ],
                    "created": 1,
                    "failed": 1,
                },
            )
        ],
    )
