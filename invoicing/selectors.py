"""Invoice and credit-note reads."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, DateField, F, Func, IntegerField, Prefetch, QuerySet, Sum, Value, When
from django.utils import timezone

from invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine

OPEN_STATUSES = (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID)


def invoice_list(*, filters: dict | None = None, overdue: bool | None = None) -> QuerySet[Invoice]:
    """Invoices with their lines and `days_overdue` (0 when not due or settled)."""
    today = timezone.localdate()
    invoices = (
        Invoice.objects.select_related("customer", "order", "shipment")
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.select_related("product").order_by("position"))
        )
        .annotate(
            days_overdue=Case(
                When(
                    status__in=OPEN_STATUSES,
                    due_date__lt=today,
                    then=Func(
                        Value(today, output_field=DateField()),
                        F("due_date"),
                        arg_joiner=" - ",
                        template="(%(expressions)s)",  # date − date is a number of days in PostgreSQL
                        output_field=IntegerField(),
                    ),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )
    for field, value in (filters or {}).items():
        if value not in (None, ""):
            invoices = invoices.filter(**{field: value})
    if overdue is True:
        invoices = invoices.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    elif overdue is False:
        invoices = invoices.exclude(status__in=OPEN_STATUSES, due_date__lt=today)
    return invoices


def invoice_get(*, invoice_id: int) -> Invoice:
    return invoice_list().get(pk=invoice_id)


def tax_summary(invoice: Invoice) -> list[dict[str, Decimal]]:
    """Net and tax per rate, from the (prefetched) lines."""
    rates: dict[Decimal, dict[str, Decimal]] = {}
    for line in invoice.lines.all():
        bucket = rates.setdefault(
            line.tax_rate, {"tax_rate": line.tax_rate, "net": Decimal("0.00"), "tax": Decimal("0.00")}
        )
        bucket["net"] += line.net_amount
        bucket["tax"] += line.tax_amount
    return [rates[rate] for rate in sorted(rates)]


def credit_note_list(*, filters: dict | None = None) -> QuerySet[CreditNote]:
    notes = CreditNote.objects.select_related("invoice", "customer").prefetch_related(
        Prefetch("lines", queryset=CreditNoteLine.objects.order_by("pk"))
    )
    for field, value in (filters or {}).items():
        if value not in (None, ""):
            notes = notes.filter(**{field: value})
    return notes


def invoiced_totals(*, order_id: int) -> Decimal:
    return Invoice.objects.filter(order_id=order_id).aggregate(total=Sum("total"))["total"] or Decimal("0.00")


def order_settlements(*, order_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Per order: `invoiced_total`, `open_balance` and `settled` (paid, credited, written off)."""
    rows = (
        Invoice.objects.filter(order_id__in=order_ids)
        .values("order_id")
        .annotate(
            invoiced_total=Sum("total"),
            open_balance=Sum("balance"),
            settled=Sum(F("amount_paid") + F("amount_credited") + F("amount_written_off")),
        )
    )
    zero = Decimal("0.00")
    result = {
        order_id: {"invoiced_total": zero, "open_balance": zero, "settled": zero} for order_id in order_ids
    }
    for row in rows:
        result[row.pop("order_id")] = row
    return result


def invoice_rows() -> QuerySet[Invoice]:
    """Bare invoice rows, for other stages' aggregates (receivables positions, aging)."""
    return Invoice.objects.all()
