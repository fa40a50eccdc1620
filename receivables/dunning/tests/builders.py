"""Helpers of the dunning tests: the clock, customers on dunning terms, what a notice holds."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.utils import timezone
from pypdf import PdfReader

from receivables.models import DunningNotice
from tests.builders import a_customer

ZONE = timezone.get_default_timezone()


START = datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)  # a Monday morning


TERMS = 14  # payment terms of the test customers: due two weeks after the invoice


def go_to(clock, day: date) -> None:
    clock.move_to(datetime.combine(day, time(9, 0), tzinfo=ZONE))


def overdue(invoice, days: int) -> date:
    """The day on which `invoice` is `days` days past its due date."""
    return invoice.due_date + timedelta(days=days)


def customer(**fields):
    return a_customer(payment_terms_days=TERMS, **fields)


def notices_of(customer_) -> list[tuple[int, list[tuple[str, int]]]]:
    """(notice level, [(invoice number, line level)]) per notice of the customer, oldest first."""
    return [
        (
            notice.level.level,
            [(line.invoice.number, line.level.level) for line in notice.lines.order_by("invoice__due_date")],
        )
        for notice in DunningNotice.objects.filter(customer=customer_).order_by("as_of", "pk")
    ]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
