"""Quotation entry: create and edit drafts, priced and checked by the order's rules (the
customer's price list, else the product price; a typed price is manual: orders.services)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ledger.rates.convert import document_rate
from o2c import locks
from o2c.errors import Conflict, DomainError
from o2c.money import ZERO
from o2c.numbering import sequence_number_next
from orders.errors import OrderErrorCode
from orders.services import LineInput, document_header_resolve, lines_build
from quotations.errors import QuotationErrorCode
from quotations.models import Quotation, QuotationEvent, QuotationLine

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_UNSET: Any = object()


def valid_until_default(*, on: date) -> date:
    """A quotation's validity when none is given: `O2C_QUOTATION_VALID_DAYS` (30) days."""
    return on + timedelta(days=int(getattr(settings, "O2C_QUOTATION_VALID_DAYS", 30)))


def _valid_until_check(valid_until: date, *, on: date) -> date:
    if valid_until < on:
        raise DomainError(
            f"valid_until {valid_until.isoformat()} is before the quotation's date {on.isoformat()}",
            field="valid_until",
            code=QuotationErrorCode.VALID_UNTIL_IN_PAST,
        )
    return valid_until


def _delivery_check(requested: date | None, *, on: date) -> date | None:
    if requested and requested < on:
        raise DomainError(
            "the requested delivery date is in the past",
            field="requested_delivery_date",
            code=OrderErrorCode.DELIVERY_DATE_IN_PAST,
        )
    return requested


def event_record(quotation: Quotation, event: str, *, by: User | None = None, detail: str = "") -> None:
    """A step on the timeline that changes no status (status changes: o2c.states.transition)."""
    QuotationEvent.objects.create(quotation=quotation, event=event, actor=by, detail=detail[:2000])


def _lines_build(quotation: Quotation, lines: Sequence[LineInput]) -> list[QuotationLine]:
    return lines_build(
        customer=quotation.customer,
        currency=quotation.currency,
        on=quotation.quotation_date,
        lines=lines,
        make=QuotationLine,
        quotation=quotation,
    )


def _lines_store(quotation: Quotation, built: list[QuotationLine]) -> int:
    QuotationLine.objects.bulk_create(built)
    quotation.net_total = sum((line.net_amount for line in built), ZERO)
    quotation.tax_total = sum((line.tax_amount for line in built), ZERO)
    quotation.total = quotation.net_total + quotation.tax_total
    quotation.save(update_fields=["net_total", "tax_total", "total"])
    return len(built)


@transaction.atomic
def quotation_create(
    *,
    customer_id: int,
    lines: Sequence[LineInput],
    by: User | None = None,
    valid_until: date | None = None,
    requested_delivery_date: date | None = None,
    customer_reference: str = "",
    ship_to: str | None = None,
    warehouse_id: int | None = None,
    currency: str | None = None,
) -> Quotation:
    """A draft quotation, its lines priced as an order's would be today."""
    customer, currency, warehouse = document_header_resolve(
        customer_id=customer_id, currency=currency, warehouse_id=warehouse_id
    )
    today = timezone.localdate()
    quotation = Quotation(
        customer=customer,
        warehouse=warehouse,
        currency=currency,
        exchange_rate=document_rate(currency=currency, on=today),
        quotation_date=today,
        valid_until=_valid_until_check(valid_until or valid_until_default(on=today), on=today),
        requested_delivery_date=_delivery_check(requested_delivery_date, on=today),
        customer_reference=customer_reference,
        ship_to=customer.shipping_address if ship_to is None else ship_to,
        created_by=by,
    )
    built = _lines_build(quotation, lines)  # priced (and refused) before it draws a number
    quotation.number = sequence_number_next(series="quotation", on=today)
    quotation.save()
    count = _lines_store(quotation, built)
    event_record(
        quotation, "created", by=by, detail=f"{count} lines, total {quotation.total} {quotation.currency}"
    )
    return quotation


@transaction.atomic
def quotation_update(
    *,
    quotation_id: int,
    by: User | None = None,
    lines: Sequence[LineInput] | None = None,
    valid_until: date | None = None,
    requested_delivery_date: Any = _UNSET,
    customer_reference: str | None = None,
    ship_to: str | None = None,
    warehouse_id: int | None = None,
) -> Quotation:
    """Edit a draft; a quotation sent, accepted, declined or expired is a 409."""
    quotation = locks.quotation_lock(quotation_id=quotation_id)
    if quotation.status != Quotation.Status.DRAFT:
        raise Conflict(
            f"quotation {quotation.number} is {quotation.status} and can no longer be edited",
            code=QuotationErrorCode.QUOTATION_NOT_EDITABLE,
        )
    changed = []
    if valid_until is not None:
        quotation.valid_until = _valid_until_check(
            valid_until, on=max(quotation.quotation_date, timezone.localdate())
        )
        changed.append("valid until")
    if requested_delivery_date is not _UNSET:
        quotation.requested_delivery_date = _delivery_check(requested_delivery_date, on=timezone.localdate())
        changed.append("requested delivery date")
    if customer_reference is not None:
        quotation.customer_reference = customer_reference
        changed.append("customer reference")
    if ship_to is not None:
        quotation.ship_to = ship_to
        changed.append("ship-to")
    if warehouse_id is not None:
        _, _, quotation.warehouse = document_header_resolve(
            customer_id=quotation.customer_id, currency=quotation.currency, warehouse_id=warehouse_id
        )
        changed.append("warehouse")
    quotation.save()
    if lines is not None:
        built = _lines_build(quotation, lines)
        quotation.lines.all().delete()
        _lines_store(quotation, built)
        changed.append("lines")
    event_record(quotation, "edited", by=by, detail=", ".join(changed))
    return quotation
