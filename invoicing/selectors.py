"""Invoice and credit-note reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, DateField, F, Func, IntegerField, Prefetch, QuerySet, Sum, Value, When
from django.utils import timezone

from invoicing.discounts import DiscountPart as DiscountPart  # re-exported: cash discounts (0056)
from invoicing.discounts import discount_deducted as discount_deducted
from invoicing.discounts import discount_parts
from invoicing.discounts import discount_refused_note as discount_refused_note
from invoicing.discounts import discount_total as discount_total
from invoicing.errors import InvoicingErrorCode
from invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.money import ZERO, round_money
from orders.selectors import order_lines_of

if TYPE_CHECKING:
    from orders.models import SalesOrder

OPEN_STATUSES = (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID)


def invoice_list(*, filters: dict[str, Any] | None = None, overdue: bool | None = None) -> QuerySet[Invoice]:
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


# The ids of an invoice's related documents, one query per relation for a whole page.
INVOICE_RELATED_PREFETCH = (
    Prefetch("credit_notes", queryset=CreditNote.objects.only("pk", "invoice_id").order_by("pk")),
    "allocations",  # receivables' rows: by relation name, the stage's models are its own
    "disputes",
)


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


def credit_note_list(*, filters: dict[str, Any] | None = None) -> QuerySet[CreditNote]:
    notes = CreditNote.objects.select_related("invoice", "customer").prefetch_related(
        Prefetch("lines", queryset=CreditNoteLine.objects.order_by("pk")), "disputes", "returns"
    )
    for field, value in (filters or {}).items():
        if value not in (None, ""):
            notes = notes.filter(**{field: value})
    return notes


def order_settlements(*, order_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Per order: `invoiced_total`, `open_balance` and `settled` (paid, credited, written off,
    discounted)."""
    rows = (
        Invoice.objects.filter(order_id__in=order_ids)
        .values("order_id")
        .annotate(
            invoiced_total=Sum("total"),
            open_balance=Sum("balance"),
            settled=Sum(
                F("amount_paid") + F("amount_credited") + F("amount_written_off") + F("amount_discounted")
            ),
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


@dataclass(frozen=True)
class LineLeft:
    """What of an invoice line is not yet credited: its quantity (credits by quantity), its net
    and tax (every credit on it)."""

    line: InvoiceLine
    quantity: Decimal
    net: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


def invoice_lines_left(*, invoice_id: int) -> dict[int, LineLeft]:
    """Per invoice line id: what is not yet credited of it."""
    credited = {
        row["invoice_line_id"]: row
        for row in CreditNoteLine.objects.filter(invoice_line__invoice_id=invoice_id)
        .values("invoice_line_id")
        .annotate(quantity=Sum("quantity"), net=Sum("net_amount"), tax=Sum("tax_amount"))
    }
    result = {}
    for line in InvoiceLine.objects.filter(invoice_id=invoice_id).order_by("position"):
        done = credited.get(line.pk, {})
        result[line.pk] = LineLeft(
            line=line,
            quantity=line.quantity - (done.get("quantity") or ZERO),
            net=line.net_amount - (done.get("net") or ZERO),
            tax=line.tax_amount - (done.get("tax") or ZERO),
        )
    return result


def line_credit(
    *, left: LineLeft, currency: str, quantity: Decimal | None = None, amount: Decimal | None = None
) -> tuple[Decimal, Decimal]:
    """(net, tax) of crediting `quantity` of an invoice line (its share of the line's net and tax;
    all that is left of it when the whole remaining quantity) or a gross `amount` of it (split at
    the line's own tax rate). Refused beyond what is left of the line."""
    line = left.line
    if (quantity is None) == (amount is None):
        raise DomainError(
            f"line {line.position}: give a quantity or an amount",
            field="lines",
            code=KernelErrorCode.QUANTITY_OR_AMOUNT,
        )
    if quantity is not None:
        if quantity <= 0:
            raise DomainError(
                f"line {line.position}: the quantity must be positive",
                field="lines",
                code=KernelErrorCode.NOT_POSITIVE,
            )
        if quantity > left.quantity:
            raise Conflict(
                f"line {line.position}: {quantity} to credit but only {left.quantity} not yet credited",
                code=InvoicingErrorCode.CREDIT_EXCEEDS_LINE,
            )
        if quantity == left.quantity:
            return left.net, left.tax
        net = round_money(line.net_amount * quantity / line.quantity, currency)
        tax = round_money(line.tax_amount * quantity / line.quantity, currency)
        if net > left.net or tax > left.tax:
            raise Conflict(
                f"line {line.position}: more than is left of it would be credited",
                code=InvoicingErrorCode.CREDIT_EXCEEDS_LINE,
            )
        return net, tax
    assert amount is not None  # one of the two is given (checked above)
    if amount <= 0:
        raise DomainError(
            f"line {line.position}: the amount must be positive",
            field="lines",
            code=KernelErrorCode.NOT_POSITIVE,
        )
    if amount > left.total:
        raise Conflict(
            f"line {line.position}: {amount} to credit but only {left.total} of it is left",
            code=InvoicingErrorCode.CREDIT_EXCEEDS_LINE,
        )
    if amount == left.total:
        return left.net, left.tax
    net = min(round_money(amount * 100 / (100 + line.tax_rate), currency), left.net)
    return net, amount - net


def invoice_quantities_on_approval(*, order: SalesOrder) -> dict[int, Decimal]:
    """What an approved order invoices at once: all of it when it has service lines only;
    nothing otherwise (its goods are invoiced as they ship)."""
    lines = order.lines.all()  # the lines the order carries (pipeline), else one read
    if any(line.is_stock for line in lines):
        return {}
    return {line.pk: line.quantity for line in lines}


def invoice_quantities_on_shipment(*, order: SalesOrder, shipped: dict[int, Decimal]) -> dict[int, Decimal]:
    """What a shipment invoices: the quantities shipped, with the order's service lines not yet
    invoiced (so they go on its first shipment's invoice)."""
    services_to_bill = {
        line.pk: line.quantity - line.quantity_invoiced
        for line in order_lines_of(order=order)
        if not line.is_stock and line.quantity_invoiced < line.quantity
    }
    return {**shipped, **services_to_bill}


def invoice_order_ids(*, invoice_ids: Iterable[int]) -> set[int]:
    """The orders of `invoice_ids` (an opening invoice, imported, has none)."""
    return set(invoice_order_ids_query(invoice_ids=invoice_ids))


def invoice_order_ids_query(*, invoice_ids: Iterable[int]) -> QuerySet[Invoice, int]:
    """`invoice_order_ids` as a query, to be read inside another statement."""
    return (
        invoice_rows()
        .filter(pk__in=list(invoice_ids), order_id__isnull=False)
        .values_list("order_id", flat=True)
    )


def invoice_parties(*, invoice_id: int) -> Mapping[str, Any] | None:
    """The order and customer of an invoice (`order_id`, `customer_id`), None when it does not
    exist: what a step locks before the invoice."""
    return invoice_rows().filter(pk=invoice_id).values("order_id", "customer_id").first()


def invoice_discount_parts(*, invoice_ids: Iterable[int]) -> dict[int, list[DiscountPart]]:
    """The cash discount each invoice (with discount terms) would take if settled now, per tax
    rate (invoicing/discounts.py): the gross still invoiced at each rate (lines less credit notes)
    times its percent. Three queries, whatever the number of invoices."""
    terms = {
        row["pk"]: row
        for row in Invoice.objects.filter(pk__in=list(invoice_ids), discount_percent__gt=0).values(
            "pk", "discount_percent", "currency"
        )
    }
    if not terms:
        return {}
    gross: dict[int, dict[Decimal, Decimal]] = {pk: {} for pk in terms}
    for row in (
        InvoiceLine.objects.filter(invoice_id__in=terms)
        .values("invoice_id", "tax_rate")
        .annotate(gross=Sum("total_amount"))
    ):
        rates = gross[row["invoice_id"]]
        rates[row["tax_rate"]] = rates.get(row["tax_rate"], ZERO) + row["gross"]
    for row in (
        CreditNoteLine.objects.filter(credit_note__invoice_id__in=terms)
        .values("credit_note__invoice_id", "tax_rate")
        .annotate(gross=Sum("total_amount"))
    ):
        rates = gross[row["credit_note__invoice_id"]]
        rates[row["tax_rate"]] = rates.get(row["tax_rate"], ZERO) - row["gross"]
    return {
        pk: discount_parts(
            gross_by_rate=gross[pk].items(), percent=row["discount_percent"], currency=row["currency"]
        )
        for pk, row in terms.items()
    }


def invoice_lines_billing(*, order_line_ids: Iterable[int]) -> dict[int, list[LineLeft]]:
    """Per order line: the invoice lines that billed it, oldest invoice first, each with what is
    not yet credited of it (a return credits goods that came back on these, at their price and
    tax rate)."""
    wanted = set(order_line_ids)
    invoice_ids = sorted(
        set(InvoiceLine.objects.filter(order_line_id__in=wanted).values_list("invoice_id", flat=True))
    )
    result: dict[int, list[LineLeft]] = {}
    for invoice_id in invoice_ids:
        for left in invoice_lines_left(invoice_id=invoice_id).values():
            if left.line.order_line_id in wanted:
                result.setdefault(left.line.order_line_id, []).append(left)
    return result


def invoice_rate(*, invoice_id: int) -> Decimal:
    """The exchange rate an invoice stored (decision 0062)."""
    rate: Decimal = Invoice.objects.values_list("exchange_rate", flat=True).get(pk=invoice_id)
    return rate


# ── credit-note lines (built here, saved by invoicing.services.credit_note_create) ───────────────


@dataclass(frozen=True)
class CreditLineInput:
    """An invoice line to credit: a quantity of it, or a gross `amount` of it."""

    invoice_line_id: int
    quantity: Decimal | None = None
    amount: Decimal | None = None


def credit_lines_by_line(invoice: Invoice, lines: list[CreditLineInput]) -> list[CreditNoteLine]:
    """Unsaved credit-note lines by quantity or by gross amount, each at its own line's tax rate."""
    left = invoice_lines_left(invoice_id=invoice.pk)
    result = []
    for item in lines:
        line_left = left.get(item.invoice_line_id)
        if line_left is None:
            raise DomainError(
                f"invoice line {item.invoice_line_id} is not on {invoice.number}",
                field="lines",
                code=InvoicingErrorCode.LINE_NOT_ON_INVOICE,
            )
        quantity = None if item.quantity is None else Decimal(item.quantity)
        amount = None if item.amount is None else Decimal(item.amount)
        net, tax = line_credit(left=line_left, currency=invoice.currency, quantity=quantity, amount=amount)
        line = line_left.line
        left[line.pk] = LineLeft(
            line=line,
            quantity=line_left.quantity - (quantity or ZERO),
            net=line_left.net - net,
            tax=line_left.tax - tax,
        )
        result.append(
            CreditNoteLine(
                invoice_line=line,
                description=line.description,
                quantity=quantity,
                tax_rate=line.tax_rate,
                net_amount=net,
                tax_amount=tax,
                total_amount=net + tax,
            )
        )
    return result


def credit_lines_by_amount(invoice: Invoice, gross: Decimal) -> list[CreditNoteLine]:
    """Unsaved credit-note lines: a gross amount split over the invoice's tax rates in proportion
    to their gross (the caller checked the amount)."""
    by_rate = list(invoice.lines.values("tax_rate").annotate(gross=Sum("total_amount")).order_by("tax_rate"))
    result, left = [], gross
    for index, rate in enumerate(by_rate):
        part = (
            left
            if index == len(by_rate) - 1
            else round_money(gross * rate["gross"] / invoice.total, invoice.currency)
        )
        left -= part
        net = round_money(part * 100 / (100 + rate["tax_rate"]), invoice.currency)
        if part:
            result.append(
                CreditNoteLine(
                    description=f"Credit at {rate['tax_rate']} % tax",
                    tax_rate=rate["tax_rate"],
                    net_amount=net,
                    tax_amount=part - net,
                    total_amount=part,
                )
            )
    return result
