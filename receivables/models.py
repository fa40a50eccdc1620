"""Receivables: the module Django reads. It holds the open-item ledger and imports the models of
each concept package: cash/ (payments, allocations, write-offs, payment notifications),
disputes/, bank/ (statements and their lines), dunning/ and portal/ (customer portal links).

The open-item ledger (`ReceivableEntry`) is the subledger of record: one immutable row per
movement, dated. Rows with an invoice move that invoice's balance (+ the invoice, − allocations,
credit notes, write-offs and cash discounts taken, + reversals); rows without one move the customer's unapplied cash
(− a payment received, + the part of it applied to an invoice, refunded or reversed). So for any
date, the sum of a customer's rows up to it is what the customer owed net of its unapplied cash
then, an invoice's rows sum to its balance, and −(its payment rows) to a payment's unapplied cash.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q

from receivables.bank.models import (
    BankColumnMapping,
    BankStatement,
    BankStatementEvent,
    BankStatementLine,
    BankStatementLineEvent,
)
from receivables.cash.models import (
    Allocation,
    CashDiscount,
    Payment,
    PaymentEvent,
    PaymentNotification,
    WriteOff,
)
from receivables.collections.models import (
    Activity,
    CheckoutSession,
    CollectorAssignment,
    Promise,
    PromiseEvent,
    PromiseInvoice,
    RiskScore,
)
from receivables.directdebit.models import (
    DirectDebitItem,
    DirectDebitItemEvent,
    DirectDebitRun,
    Mandate,
    MandateEvent,
)
from receivables.disputes.models import Dispute, DisputeEvent, DisputeLine
from receivables.dunning.models import DunningLevel, DunningNotice, DunningNoticeLine, DunningRun
from receivables.open_items.models import OpenItemDay, OpenItemDueDay
from receivables.open_items.rollup import TRIGGER_SQL as ROLLUP_TRIGGER_SQL
from receivables.portal.models import PortalLink

__all__ = [
    "Activity",
    "Allocation",
    "BankColumnMapping",
    "BankStatement",
    "BankStatementEvent",
    "BankStatementLine",
    "BankStatementLineEvent",
    "CashDiscount",
    "CheckoutSession",
    "CollectorAssignment",
    "DirectDebitItem",
    "DirectDebitItemEvent",
    "DirectDebitRun",
    "Dispute",
    "DisputeEvent",
    "DisputeLine",
    "DunningLevel",
    "DunningNotice",
    "DunningNoticeLine",
    "DunningRun",
    "Mandate",
    "MandateEvent",
    "OpenItemDay",
    "OpenItemDueDay",
    "Payment",
    "PaymentEvent",
    "PaymentNotification",
    "PortalLink",
    "Promise",
    "PromiseEvent",
    "PromiseInvoice",
    "ReceivableEntry",
    "RiskScore",
    "WriteOff",
]

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class ReceivableEntry(models.Model):
    """One movement of the open-item ledger (see the module docstring for the sign rules)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice"
        CREDIT_NOTE = "credit_note", "Credit note"
        PAYMENT = "payment"
        ALLOCATION = "allocation"
        ALLOCATION_REVERSAL = "allocation_reversal", "Allocation reversed"
        PAYMENT_REVERSAL = "payment_reversal", "Payment reversed"
        REFUND = "refund"
        WRITE_OFF = "write_off", "Write-off"
        CASH_DISCOUNT = "cash_discount", "Cash discount"
        CASH_DISCOUNT_REVERSAL = "cash_discount_reversal", "Cash discount reversed"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    entry_date = models.DateField()
    amount = models.DecimalField(**_AMOUNT)  # signed: + the customer owes more, − less
    currency = models.CharField(max_length=3)
    # the same movement in the base currency (decision 0062; = amount in the base currency):
    # the ledger's receivables and customer advances are sums of it
    amount_base = models.DecimalField(**_AMOUNT)
    invoice = models.ForeignKey(
        "invoicing.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    credit_note = models.ForeignKey(
        "invoicing.CreditNote", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    write_off = models.ForeignKey(WriteOff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_date", "pk"]
        indexes = [
            models.Index(fields=["customer", "entry_date"], name="receivable_customer_date"),
            models.Index(
                fields=["invoice", "entry_date"],
                include=["amount"],
                condition=Q(invoice__isnull=False),
                name="receivable_invoice_date",
            ),
            models.Index(fields=["entry_date"], name="receivable_date"),
            models.Index(
                fields=["payment", "entry_date"],
                include=["amount"],
                condition=Q(invoice__isnull=True),
                name="receivable_cash_by_payment",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="receivable_entry_not_zero"),
            models.CheckConstraint(
                condition=(
                    Q(
                        invoice__isnull=False,
                        kind__in=[
                            "invoice",
                            "credit_note",
                            "allocation",
                            "allocation_reversal",
                            "write_off",
                            "cash_discount",
                            "cash_discount_reversal",
                        ],
                    )
                    | Q(
                        invoice__isnull=True,
                        payment__isnull=False,
                        kind__in=[
                            "payment",
                            "allocation",
                            "allocation_reversal",
                            "payment_reversal",
                            "refund",
                        ],
                    )
                ),
                name="receivable_entry_kind_matches_target",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="receivable_entry_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            # the aging rollup (receivables/open_items/models.py), in the inserting transaction:
            # once per statement, for all the rows it inserted
            pgtrigger.Trigger(
                name="receivable_entry_rollup",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="new_rows"),
                func=ROLLUP_TRIGGER_SQL,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_date} {self.kind} {self.amount}"
