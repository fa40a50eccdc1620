"""Cash discounts taken by payments (decision 0056).

A payment received by an invoice's discount date whose allocation leaves open the discount (what
the invoice would take off now, per tax rate: invoicing/discounts.py), give or take
`O2C_CASH_DISCOUNT_TOLERANCE` (then the discount is what the customer deducted; decision 0063),
settles the invoice: the discount is its own open-item movement (`cash_discount`) and its own journal entry,
Dr sales discounts (net, per rate) / Dr VAT payable (tax, per rate) / Cr receivables. Partial
payments earn nothing until the one that settles the rest (SAP's and Odoo's default). A payment
after the discount date that deducted the discount leaves the difference open, and the invoice
says why. A reversed payment takes its discounts back.

These run in the caller's transaction on invoices it locked, after the payment's allocations
and before the invoices' balances are moved (o2c/pipeline/cash.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from invoicing.selectors import (
    DiscountPart,
    discount_deducted,
    discount_refused_note,
    discount_total,
    invoice_discount_parts,
    invoice_rate,
)
from ledger.rates.convert import is_base
from ledger.rates.lines import lines_to_base
from ledger.services import LineSpec, journal_entry_post
from o2c.money import ZERO
from receivables.cash.models import Allocation, CashDiscount, Payment
from receivables.models import ReceivableEntry
from receivables.selectors import payment_discount_base
from receivables.services import receivable_entries_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from invoicing.models import Invoice

Kind = ReceivableEntry.Kind


@dataclass
class DiscountOutcome:
    """Per invoice: the discount taken (gross) and the note to show ("" clears an old one)."""

    taken: dict[int, Decimal] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)


def cash_discounts_take(
    *, payment: Payment, allocations: Iterable[Allocation], invoices: dict[int, Invoice], by: User | None
) -> DiscountOutcome:
    """The discounts `allocations` (just made, of `payment`) earn on `invoices` (locked, their
    balances not yet moved by them)."""
    allocations = list(allocations)
    paid: dict[int, Decimal] = {}
    days: dict[int, date] = {}
    for row in allocations:
        paid[row.invoice_id] = paid.get(row.invoice_id, ZERO) + row.amount
        days[row.invoice_id] = max(days.get(row.invoice_id, row.applied_on), row.applied_on)
    candidates = [
        pk
        for pk in sorted(paid)
        if invoices[pk].discount_amount > 0 and invoices[pk].amount_discounted == 0 and invoices[pk].balance
    ]
    outcome = DiscountOutcome()
    if not candidates:
        return outcome
    parts = invoice_discount_parts(invoice_ids=candidates)
    tolerance = settings.O2C_CASH_DISCOUNT_TOLERANCE
    for pk in candidates:
        invoice = invoices[pk]
        deducted = invoice.balance - paid[pk]  # what the payment leaves open
        off = discount_deducted(
            parts.get(pk, []), deducted=deducted, tolerance=tolerance, currency=invoice.currency
        )
        if off is None:
            continue  # not the settling payment: partial, or the full amount without the discount
        due = invoice.discount_due_date
        if due is None or payment.received_on > due:
            if due is not None:
                outcome.notes[pk] = discount_refused_note(paid_on=payment.received_on, due=due)
            continue
        # it settles the invoice: its base is what the payment's allocations left (decision 0062)
        base = invoice.balance_base - sum(
            (row.amount_base for row in allocations if row.invoice_id == pk), ZERO
        )
        _take(payment=payment, invoice=invoice, off=off, on=days[pk], by=by, base=base)
        outcome.taken[pk] = deducted
        outcome.notes[pk] = ""
    return outcome


def _take(
    *, payment: Payment, invoice: Invoice, off: list[DiscountPart], on: date, by: User | None, base: Decimal
) -> None:
    total = discount_total(off)
    CashDiscount.objects.bulk_create(
        CashDiscount(
            payment=payment,
            invoice=invoice,
            customer_id=payment.customer_id,
            currency=payment.currency,
            taken_on=on,
            tax_rate=part.tax_rate,
            net_amount=part.net,
            tax_amount=part.tax,
        )
        for part in off
    )
    journal_entry_post(
        entry_date=on,
        memo=f"Cash discount {invoice.discount_percent} % on {invoice.number} paid by {payment.number}",
        lines=_in_base(
            [*_rate_lines(off, debit=True), LineSpec(account="receivables", credit=total)],
            currency=invoice.currency,
            rate=invoice.exchange_rate,
            base=base,
        ),
        source="cash_discount",
        source_reference=invoice.number,
        by=by,
    )
    receivable_entries_add(  # after the journal entry: it moves the kept exposure (decision 0050)
        [
            ReceivableEntry(
                customer_id=payment.customer_id,
                kind=Kind.CASH_DISCOUNT,
                entry_date=on,
                amount=-total,
                amount_base=-base,
                currency=payment.currency,
                invoice=invoice,
                payment=payment,
            )
        ]
    )


def _in_base(lines: list[LineSpec], *, currency: str, rate: Decimal, base: Decimal) -> list[LineSpec]:
    """At the invoice's rate, the receivables line at `base` (decision 0062)."""
    receivables = next(i for i, line in enumerate(lines) if line.account == "receivables")
    return lines_to_base(lines, currency=currency, rate=rate, fixed={receivables: base})


def _rate_lines(off: Iterable[DiscountPart], *, debit: bool) -> list[LineSpec]:
    """Sales discounts (net) and VAT payable (tax), one line each per tax rate."""
    lines = []
    for part in off:
        for account, amount in (("sales_discounts", part.net), ("vat_payable", part.tax)):
            if amount:
                lines.append(
                    LineSpec(
                        account=account,
                        debit=amount if debit else ZERO,
                        credit=ZERO if debit else amount,
                        description=f"{part.tax_rate} % tax",
                    )
                )
    return lines


def cash_discounts_reverse(*, payment: Payment, by: User | None) -> dict[int, Decimal]:
    """Take back the discounts of a payment being reversed (locked, its invoices locked): what each
    invoice owes again (invoice id → gross)."""
    rows = list(CashDiscount.objects.filter(payment=payment, reversed_on__isnull=True).order_by("pk"))
    if not rows:
        return {}
    today = timezone.localdate()
    by_invoice: dict[int, list[CashDiscount]] = {}
    for row in rows:
        by_invoice.setdefault(row.invoice_id, []).append(row)
    back: dict[int, Decimal] = {}
    for invoice_id, taken in by_invoice.items():
        off = [DiscountPart(tax_rate=r.tax_rate, net=r.net_amount, tax=r.tax_amount) for r in taken]
        back[invoice_id] = total = discount_total(off)
        currency, rate, base = taken[0].currency, Decimal(1), total
        if not is_base(currency):
            rate = invoice_rate(invoice_id=invoice_id)
            base = payment_discount_base(payment_id=payment.pk, invoice_id=invoice_id)
        journal_entry_post(
            entry_date=today,
            memo=f"Cash discount of {payment.number} reversed with the payment",
            lines=_in_base(
                [LineSpec(account="receivables", debit=total), *_rate_lines(off, debit=False)],
                currency=currency,
                rate=rate,
                base=base,
            ),
            source="cash_discount_reversal",
            source_reference=payment.number,
            by=by,
        )
        receivable_entries_add(
            [
                ReceivableEntry(
                    customer_id=payment.customer_id,
                    kind=Kind.CASH_DISCOUNT_REVERSAL,
                    entry_date=today,
                    amount=total,
                    amount_base=base,
                    currency=payment.currency,
                    invoice_id=invoice_id,
                    payment=payment,
                )
            ]
        )
    CashDiscount.objects.filter(pk__in=[row.pk for row in rows]).update(reversed_on=today)
    return back
