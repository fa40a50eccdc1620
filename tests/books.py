"""The books in step: the invariants every cash test checks after each step (DESIGN.md §2)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Max, Sum

from invoicing.models import Invoice
from ledger.selectors import account_balance, trial_balance
from receivables.models import Allocation, Payment, ReceivableEntry


def assert_books_in_step() -> None:
    """Trial balance balanced; every invoice's stored balance = its open-item rows = total less
    settlements and ≥ 0; every payment's unapplied cash = −its cash rows; allocations never exceed
    what the invoice was; receivables (1100) = Σ open balances, customer advances (2100) =
    Σ unapplied cash, so the customers' net position = Σ open balances − unapplied cash. The
    ledger is in the base currency: those sums are of base amounts (decision 0062), and each
    invoice's stored base balance is its rows' base amounts."""
    assert trial_balance().balanced
    ledger_by_invoice = dict(
        ReceivableEntry.objects.filter(invoice__isnull=False)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice_id", "total")
    )
    base_by_invoice = dict(
        ReceivableEntry.objects.filter(invoice__isnull=False)
        .values("invoice_id")
        .annotate(total=Sum("amount_base"))
        .values_list("invoice_id", "total")
    )
    last_by_invoice = dict(
        ReceivableEntry.objects.filter(invoice__isnull=False)
        .values("invoice_id")
        .annotate(last=Max("entry_date"))
        .values_list("invoice_id", "last")
    )
    last_by_payment = dict(
        ReceivableEntry.objects.filter(invoice__isnull=True)
        .values("payment_id")
        .annotate(last=Max("entry_date"))
        .values_list("payment_id", "last")
    )
    open_total = Decimal("0.00")
    for invoice in Invoice.objects.all():
        assert invoice.balance >= 0, invoice.number
        assert ledger_by_invoice.get(invoice.pk, Decimal("0")) == invoice.balance, invoice.number
        assert base_by_invoice.get(invoice.pk, Decimal("0")) == invoice.balance_base, invoice.number
        assert (invoice.balance == 0) <= (invoice.balance_base == 0), invoice.number
        assert invoice.last_movement_on == last_by_invoice.get(invoice.pk, invoice.issue_date), invoice.number
        active = Allocation.objects.filter(invoice=invoice, reversed_on__isnull=True).aggregate(
            t=Sum("amount")
        )["t"]
        assert (active or Decimal("0")) == invoice.amount_paid, invoice.number
        open_total += invoice.balance_base
    cash_by_payment = dict(
        ReceivableEntry.objects.filter(invoice__isnull=True)
        .values("payment_id")
        .annotate(total=Sum("amount"))
        .values_list("payment_id", "total")
    )
    cash_base_by_payment = dict(
        ReceivableEntry.objects.filter(invoice__isnull=True)
        .values("payment_id")
        .annotate(total=Sum("amount_base"))
        .values_list("payment_id", "total")
    )
    unapplied = Decimal("0.00")
    for payment in Payment.objects.all():
        assert payment.unapplied_amount >= 0, payment.number
        assert -cash_by_payment.get(payment.pk, Decimal("0")) == payment.unapplied_amount, payment.number
        assert payment.last_movement_on == last_by_payment[payment.pk], payment.number
        unapplied -= cash_base_by_payment.get(payment.pk, Decimal("0"))
    assert account_balance(key="receivables") == open_total
    assert -account_balance(key="customer_advances") == unapplied
    net = account_balance(key="receivables") + account_balance(key="customer_advances")
    assert net == open_total - unapplied
    all_rows = ReceivableEntry.objects.aggregate(t=Sum("amount_base"))["t"] or Decimal("0")
    assert all_rows == open_total - unapplied
