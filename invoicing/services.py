"""Invoices and credit notes: issued with a gapless number per year, posted to the ledger, and
delivered (PDF and email) through the outbox after commit.

Amounts: an invoice line for part of an order line takes its share of the order line's rounded
net and tax; the invoice that completes an order line takes the remainder, so the invoices of an
order always sum to the order's total to the cent.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from invoicing.discounts import discount_due, discount_parts, discount_total
from invoicing.errors import InvoicingErrorCode
from invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from invoicing.overdue import invoices_flag_overdue as invoices_flag_overdue  # the nightly task's
from invoicing.posting import document_post, tax_by_rate
from invoicing.selectors import CreditLineInput as CreditLineInput  # the callers' input, re-exported
from invoicing.selectors import credit_lines_by_amount, credit_lines_by_line
from ledger.rates.convert import base_share, document_rate, is_base, to_base
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import ZERO, round_money
from o2c.numbering import document_number_next
from o2c.outbox import outbox_enqueue
from o2c.states import transition
from orders.selectors import order_lines_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from fulfillment.models import Shipment
    from orders.models import SalesOrder
from o2c.parsing import parse_amount

CENTS = Decimal("0.01")


def _share(amount: Decimal, part: Decimal, whole: Decimal, currency: str) -> Decimal:
    return round_money(amount * part / whole, currency)


def invoice_create(
    *,
    order: SalesOrder,
    quantities: dict[int, Decimal],
    shipment: Shipment | None = None,
    by: User | None = None,
) -> Invoice:
    """Invoice `quantities` (order line id → quantity) of `order`, post it (Dr receivables /
    Cr revenue / Cr VAT payable) and queue its delivery. The caller holds the order's lock."""
    if not quantities:
        raise DomainError("nothing to invoice", field="lines", code=InvoicingErrorCode.NOTHING_TO_INVOICE)
    order_lines = {line.pk: line for line in order_lines_of(order=order) if line.pk in quantities}
    already = {
        row["order_line_id"]: row
        for row in InvoiceLine.objects.filter(order_line_id__in=quantities)
        .values("order_line_id")
        .annotate(net=Sum("net_amount"), tax=Sum("tax_amount"))
    }
    lines: list[InvoiceLine] = []
    for position, (line_id, quantity) in enumerate(sorted(quantities.items()), start=1):
        line = order_lines[line_id]
        if line.quantity_invoiced + quantity > line.quantity:
            raise DomainError(
                f"line {line.position} would be invoiced beyond its quantity",
                field="lines",
                code=InvoicingErrorCode.INVOICE_EXCEEDS_ORDER,
            )
        if line.quantity_invoiced + quantity == line.quantity:  # completes the line: the remainder
            previous = already.get(line_id, {"net": ZERO, "tax": ZERO})
            net = line.net_amount - (previous["net"] or ZERO)
            tax = line.tax_amount - (previous["tax"] or ZERO)
        else:
            net = _share(line.net_amount, quantity, line.quantity, order.currency)
            tax = _share(line.tax_amount, quantity, line.quantity, order.currency)
        lines.append(
            InvoiceLine(
                position=position,
                order_line=line,
                product=line.product,
                description=line.description,
                quantity=quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                tax_rate=line.tax_rate,
                net_amount=net,
                tax_amount=tax,
                total_amount=net + tax,
            )
        )
    net_total = sum((line.net_amount for line in lines), ZERO)
    tax_total = sum((line.tax_amount for line in lines), ZERO)
    issue_date = timezone.localdate()
    rate = document_rate(currency=order.currency, on=issue_date)  # refused before a number is drawn
    customer = order.customer
    gross = [(line.tax_rate, line.total_amount) for line in lines]
    off = discount_parts(gross_by_rate=gross, percent=customer.discount_percent, currency=order.currency)
    invoice = Invoice.objects.create(
        number=document_number_next(series="invoice", on=issue_date),  # as late as possible
        order=order,
        shipment=shipment,
        customer=customer,
        currency=order.currency,
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=customer.payment_terms_days),
        customer_reference=order.customer_reference,
        billing_address=customer.billing_address or customer.name,
        net_total=net_total,
        tax_total=tax_total,
        total=net_total + tax_total,
        exchange_rate=rate,
        total_base=to_base(net_total + tax_total, rate),
        balance_base=to_base(net_total + tax_total, rate),
        balance=net_total + tax_total,
        # Free goods: a zero invoice owes nothing from the start (decision record 0025).
        status=Invoice.Status.OPEN if net_total + tax_total > 0 else Invoice.Status.PAID,
        last_movement_on=issue_date,
        discount_percent=customer.discount_percent if off else ZERO,  # decision 0056
        discount_due_date=discount_due(issue_date=issue_date, days=customer.discount_days, off=off),
        discount_amount=discount_total(off),
    )
    for invoice_line in lines:
        invoice_line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    document_post(
        entry_date=issue_date,
        memo=f"Invoice {invoice.number} to {customer.code}",
        reference=invoice.number,
        source="invoice",
        receivables=invoice.total,
        revenue=net_total,
        vat=tax_total,
        credit=False,
        by=by,
        currency=invoice.currency,
        rate=rate,
        receivables_base=invoice.total_base,
        vat_by_rate=tax_by_rate(lines),
    )
    outbox_enqueue(kind="invoice_delivery", payload={"invoice_id": invoice.pk})
    event_emit("invoice.issued", invoice)
    if invoice.status == Invoice.Status.PAID:  # free goods: settled from the start
        event_emit("invoice.paid", invoice)
    return invoice


def invoice_settle(
    *,
    invoice: Invoice,
    on: date,
    paid: Decimal = ZERO,
    written_off: Decimal = ZERO,
    discounted: Decimal = ZERO,
    discount_note: str | None = None,
    reference: str = "",
    by: User | None = None,
    balance_base: Decimal | None = None,
) -> Invoice:
    """Record payments applied (negative when a payment is reversed), write-offs and cash discounts
    taken (decision 0056) dated `on` on a locked invoice; its balance and status follow. Never
    below zero nor above the total (CHECKs). `reference`: the payment or write-off, for the
    invoice's event row; `discount_note`: why a deducted discount was refused ("" clears it);
    `balance_base`: a foreign invoice's base balance after them (its open-item rows' sum, 0062)."""
    balance = invoice.balance - paid - written_off - discounted
    if balance < 0:
        raise Conflict(
            f"{paid + written_off + discounted} exceeds the {invoice.balance} open on {invoice.number}",
            code=InvoicingErrorCode.SETTLEMENT_EXCEEDS_BALANCE,
        )
    invoice.amount_paid += paid
    invoice.amount_written_off += written_off
    invoice.amount_discounted += discounted
    invoice.balance = balance
    if is_base(invoice.currency):
        invoice.balance_base = balance
    elif balance_base is not None:
        invoice.balance_base = balance_base
    else:
        raise ValueError(f"{invoice.number} is in {invoice.currency}: give its base balance (decision 0062)")
    invoice.last_movement_on = max(filter(None, [invoice.last_movement_on, on]))
    if discount_note is not None:
        invoice.discount_note = discount_note[:200]
    _save_settled(
        invoice,
        [
            "amount_paid",
            "amount_written_off",
            "amount_discounted",
            "discount_note",
            "balance",
            "balance_base",
            "last_movement_on",
        ],
        by=by,
        reason=reference,
        event="payment_reversed" if paid < 0 else "",
    )
    return invoice


@transaction.atomic
def credit_note_create(
    *,
    invoice: Invoice,
    reason: str,
    lines: list[CreditLineInput] | None = None,
    amount: Decimal | None = None,
    by: User | None = None,
) -> CreditNote:
    """Credit a locked invoice in full (neither lines nor amount), by line and quantity, or by an
    amount split over the invoice's tax rates. Never more than is open on it plus what was paid
    on it: the part beyond the open balance (`amount_on_account`) comes off `amount_paid`, and the
    caller returns it to the payments as the customer's unapplied cash (decision 0063)."""
    if not reason.strip():
        raise DomainError(
            "give the reason for the credit note", field="reason", code=KernelErrorCode.REQUIRED
        )
    if lines and amount is not None:
        raise DomainError(
            "credit either lines or an amount, not both",
            field="amount",
            code=InvoicingErrorCode.LINES_OR_AMOUNT,
        )
    # Beyond what is open, a credit can give back what was paid: that part becomes the customer's
    # unapplied cash again (decision 0063; the pipeline un-applies it from the payments). A
    # foreign-currency invoice is credited up to its open balance only: giving paid money back at
    # its base amounts is not built (decisions 0062, 0063).
    most = invoice.creditable if is_base(invoice.currency) else invoice.balance
    if lines:
        credit_lines = credit_lines_by_line(invoice, lines)
    else:
        gross = invoice.balance if amount is None else parse_amount(amount, field="amount")
        if round_money(gross, invoice.currency) != gross:
            raise DomainError(
                f"{invoice.currency} amounts have fewer decimals",
                field="amount",
                code=KernelErrorCode.TOO_MANY_DECIMALS,
            )
        _credit_check(invoice, gross, most=most)
        credit_lines = credit_lines_by_amount(invoice, gross)
    total = sum((line.total_amount for line in credit_lines), ZERO)
    if total <= 0:
        raise DomainError(
            "the lines chosen are free of charge; there is nothing to credit",
            field="lines",
            code=InvoicingErrorCode.NOTHING_TO_CREDIT,
        )
    _credit_check(invoice, total, most=most)
    on_account = max(total - invoice.balance, ZERO)
    net_total = sum((line.net_amount for line in credit_lines), ZERO)
    tax_total = total - net_total
    issue_date = timezone.localdate()
    # at the invoice's rate: its share of the base balance still open on the invoice (0062)
    total_base = (
        total
        if is_base(invoice.currency)
        else base_share(amount=total, balance=invoice.balance, balance_base=invoice.balance_base)
    )
    note = CreditNote.objects.create(
        number=document_number_next(series="credit_note", on=issue_date),
        invoice=invoice,
        customer=invoice.customer,
        currency=invoice.currency,
        issue_date=issue_date,
        reason=reason.strip()[:500],
        net_total=net_total,
        tax_total=tax_total,
        total=total,
        exchange_rate=invoice.exchange_rate,
        total_base=total_base,
        amount_on_account=on_account,
        created_by=by,
    )
    for line in credit_lines:
        line.credit_note = note
    CreditNoteLine.objects.bulk_create(credit_lines)
    invoice.amount_credited += total
    invoice.amount_paid -= on_account  # given back to the payments as unapplied cash
    invoice.balance -= total - on_account
    invoice.balance_base -= total_base - on_account
    invoice.last_movement_on = max(filter(None, [invoice.last_movement_on, issue_date]))
    _save_settled(
        invoice,
        ["amount_credited", "amount_paid", "balance", "balance_base", "last_movement_on"],
        by=by,
        reason=note.number,
    )
    document_post(
        entry_date=issue_date,
        memo=f"Credit note {note.number} on {invoice.number}: {note.reason}"[:500],
        reference=note.number,
        source="credit_note",
        receivables=total,
        revenue=net_total,
        vat=tax_total,
        credit=True,
        by=by,
        currency=invoice.currency,
        rate=invoice.exchange_rate,
        receivables_base=total_base,
        vat_by_rate=tax_by_rate(credit_lines),
    )
    outbox_enqueue(kind="credit_note_delivery", payload={"credit_note_id": note.pk})
    event_emit("credit_note.issued", note)
    return note


def _save_settled(
    invoice: Invoice, fields: list[str], *, by: User | None, reason: str, event: str = ""
) -> None:
    """Save a settled invoice's amounts; when its status follows them elsewhere, through the
    transition table with an event row."""
    status = _status(invoice)
    if status == invoice.status:
        invoice.save(update_fields=fields)
    else:
        transition(invoice, status, by=by, reason=reason, event=event, update_fields=fields)
        if status == Invoice.Status.PAID:
            event_emit("invoice.paid", invoice)


def _status(invoice: Invoice) -> str:
    if invoice.balance > 0:
        return Invoice.Status.PARTIALLY_PAID if invoice.amount_paid > 0 else Invoice.Status.OPEN
    if invoice.amount_written_off > 0:
        return Invoice.Status.WRITTEN_OFF
    if invoice.amount_credited > 0 and invoice.amount_paid == 0:
        return Invoice.Status.CREDITED
    return Invoice.Status.PAID


def _credit_check(invoice: Invoice, total: Decimal, *, most: Decimal) -> None:
    """A credit is at most the open balance plus what payments applied to the invoice (written-off
    and discounted amounts were never paid, so they cannot be given back)."""
    if total > most:
        paid = f" plus the {invoice.amount_paid} paid on it" if most > invoice.balance else ""
        raise Conflict(
            f"a credit of {total} exceeds the {invoice.balance} that remains open on {invoice.number}{paid}",
            code=InvoicingErrorCode.CREDIT_EXCEEDS_BALANCE,
        )
