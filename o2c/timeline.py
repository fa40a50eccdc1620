"""One shape for the rows of a customer's timeline (decision 0067): each app's selectors give its
documents' events as a values query of these columns, so that the customer page merges them all in
one UNION ALL, ordered and paginated by PostgreSQL (`receivables.collections.timeline`)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    DecimalField,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

FIELDS = ("t_at", "t_source", "t_doc", "t_number", "t_event", "t_detail", "t_amount", "t_currency", "t_actor")


def _text(value: str | Combinable | None) -> Any:
    if value is None:
        return Value("", output_field=TextField())
    if isinstance(value, str):
        return Value(value, output_field=TextField())
    return Cast(value, TextField())


def timeline_values(
    rows: QuerySet[Any],
    *,
    source: str,
    at: Combinable,
    doc: Combinable | None,
    number: str | Combinable | None,
    event: str | Combinable,
    detail: str | Combinable | None = None,
    amount: Combinable | None = None,
    currency: str | Combinable | None = None,
    actor: str | Combinable | None = None,
) -> QuerySet[Any]:
    """`rows` as timeline rows (`FIELDS`, in that order, each with one SQL type whatever the app)."""
    shaped: QuerySet[Any] = rows.annotate(
        t_at=Cast(at, DateTimeField()),
        t_source=Value(source, output_field=CharField()),
        t_doc=Cast(doc, BigIntegerField())
        if doc is not None
        else Value(None, output_field=BigIntegerField()),
        t_number=_text(number),
        t_event=_text(event),
        t_detail=_text(detail),
        t_amount=Cast(amount, DecimalField(max_digits=18, decimal_places=2))
        if amount is not None
        else Value(None, output_field=DecimalField(max_digits=18, decimal_places=2)),
        t_currency=_text(currency),
        t_actor=_text(actor),
    ).values(*FIELDS)
    return shaped
