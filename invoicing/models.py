"""Invoices and credit notes: gapless numbers per year, immutable once issued."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from o2c.models import StatusEvent

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        PARTIALLY_PAID = "partially_paid"
        PAID = "paid"
        CREDITED = "credited"
        WRITTEN_OFF = "written_off"

    number = models.CharField(max_length=30, unique=True)
    # None for an opening invoice carried over from a previous system (invoicing/opening/)
    order = models.ForeignKey(
        "orders.SalesOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    shipment = models.OneToOneField(
        "fulfillment.Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="invoice"
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="invoices")
    currency = models.CharField(max_length=3)
    issue_date = models.DateField()
    due_date = models.DateField(db_index=True)
    customer_reference = models.CharField(max_length=100, blank=True)
    # An opening invoice's number in the previous system (imports, decision 0044); "" otherwise.
    previous_number = models.CharField(max_length=60, blank=True)
    billing_address = models.TextField(blank=True)
    net_total = models.DecimalField(**_AMOUNT)
    tax_total = models.DecimalField(**_AMOUNT)
    total = models.DecimalField(**_AMOUNT)
    amount_paid = models.DecimalField(**_AMOUNT, default=0)
    amount_credited = models.DecimalField(**_AMOUNT, default=0)
    amount_written_off = models.DecimalField(**_AMOUNT, default=0)
    # Cash discount (decision 0056), copied from the customer's terms at issue: `discount_amount`
    # off (per tax rate, rounded per rate) when paid by `discount_due_date`; `amount_discounted`
    # what a payment in time actually took; `discount_note` why a deducted discount was refused.
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    discount_due_date = models.DateField(null=True, blank=True)
    discount_amount = models.DecimalField(**_AMOUNT, default=0)
    amount_discounted = models.DecimalField(**_AMOUNT, default=0)
    discount_note = models.CharField(max_length=200, blank=True)
    balance = models.DecimalField(**_AMOUNT)
    # Foreign currency (decision 0062): the rate it used (units of its currency per base unit on
    # its issue date; 1 in the base currency) and its total in the base currency at that rate.
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    total_base = models.DecimalField(**_AMOUNT, default=0)
    # its open-item rows' base amounts summed (kept by the settlements; 0 once settled)
    balance_base = models.DecimalField(**_AMOUNT, default=0)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN, db_index=True)
    # The latest date of its open-item rows: a settled invoice (balance 0) was open at a past date
    # only if that date is before this one, which lets aging as of any date skip closed history.
    last_movement_on = models.DateField(null=True, blank=True)
    # The night it was first found open after its due date (`invoice.overdue` told once).
    overdue_on = models.DateField(null=True, blank=True)
    pdf = models.FileField(upload_to="invoices/%Y/", blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The status follows the amounts (invoicing.services): open until something is settled, paid,
    # credited or written off when the balance reaches zero, and back to open or partly paid when a
    # payment is reversed. A credited invoice (nothing paid) has nothing left that could move.
    # A credit note beyond the open balance gives back what was paid (decision 0063).
    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            (Status.OPEN, Status.PARTIALLY_PAID),
            (Status.OPEN, Status.PAID),
            (Status.OPEN, Status.CREDITED),
            (Status.OPEN, Status.WRITTEN_OFF),
            (Status.PARTIALLY_PAID, Status.OPEN),  # its payment bounced
            (Status.PARTIALLY_PAID, Status.PAID),
            (Status.PARTIALLY_PAID, Status.WRITTEN_OFF),
            (Status.PARTIALLY_PAID, Status.CREDITED),  # a credit gave back all that was paid (0063)
            (Status.PAID, Status.OPEN),  # a payment bounced
            (Status.PAID, Status.CREDITED),  # a credit gave back all that was paid (0063)
            (Status.PAID, Status.PARTIALLY_PAID),
            (Status.WRITTEN_OFF, Status.OPEN),  # a payment bounced after the rest was written off
            (Status.WRITTEN_OFF, Status.PARTIALLY_PAID),
        }
    )

    class Meta:
        ordering = ["-issue_date", "-pk"]
        indexes = [
            models.Index(fields=["customer", "status"], name="invoice_customer_status"),
            # the credit check's overdue figure: a customer's open invoices by due date (decision 0050)
            models.Index(
                fields=["customer", "due_date"], condition=Q(balance__gt=0), name="invoice_open_customer_due"
            ),
            # Reporting (bench/history.py, BENCHMARKS.md): aging as of a date reads the open invoices and
            # the settled ones moved after that date from these covering indexes alone; credit sales
            # sum `total` by issue date.
            # with `balance`: the aging as of today sums the open invoices from this index alone
            models.Index(
                fields=["issue_date"],
                include=["id", "customer", "due_date", "balance"],
                condition=Q(balance__gt=0),
                name="invoice_open_by_issue",
            ),
            models.Index(
                fields=["last_movement_on", "issue_date"],
                include=["id", "customer", "due_date"],
                condition=Q(balance=0),
                name="invoice_settled_by_date",
            ),
            models.Index(fields=["issue_date"], include=["total"], name="invoice_sales_by_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("net_total") + F("tax_total")), name="invoice_total_is_net_plus_tax"
            ),
            models.CheckConstraint(
                condition=Q(
                    balance=F("total")
                    - F("amount_paid")
                    - F("amount_credited")
                    - F("amount_written_off")
                    - F("amount_discounted")
                ),
                name="invoice_balance_is_total_less_settlements",
            ),
            models.CheckConstraint(condition=Q(balance__gte=0), name="invoice_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")), name="invoice_due_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(discount_amount__gte=0, amount_discounted__gte=0, discount_percent__gte=0),
                name="invoice_discount_not_negative",
            ),
            models.UniqueConstraint(
                fields=["previous_number"],
                condition=~Q(previous_number=""),
                name="invoice_previous_number_unique",
            ),
        ]
        triggers = [
            # Issued means immutable: what was invoiced never changes; settlements (paid,
            # credited, written off), the status and the stored PDF may.
            pgtrigger.Protect(
                name="invoice_issued_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(
                    "number",
                    "order",
                    "shipment",
                    "customer",
                    "currency",
                    "issue_date",
                    "due_date",
                    "net_total",
                    "tax_total",
                    "total",
                    "billing_address",
                    "previous_number",
                    "discount_percent",
                    "discount_due_date",
                    "discount_amount",
                    "exchange_rate",
                    "total_base",
                ),
            ),
            pgtrigger.Protect(name="invoice_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def creditable(self) -> Decimal:
        """The most a credit note can still take off: what is open plus what payments applied to it
        (the part beyond the balance goes back to them as unapplied cash, decision 0063). Written-off
        and discounted amounts were never paid, so nothing of them can be given back."""
        return self.balance + self.amount_paid


class InvoiceEvent(StatusEvent):
    """The invoice's status changes: who settled, credited or reversed what, when, and the
    document that did it (in `detail`)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.event}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="invoice_lines"
    )
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=15, decimal_places=3)
    unit_price = models.DecimalField(**_AMOUNT)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(**_AMOUNT)
    tax_amount = models.DecimalField(**_AMOUNT)
    total_amount = models.DecimalField(**_AMOUNT)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoiceline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(total_amount=F("net_amount") + F("tax_amount")),
                name="invoiceline_total_is_net_plus_tax",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="invoice_line_immutable", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position}"


class CreditNote(models.Model):
    """Issued and immutable from its first moment: it has no status, so no transitions
    (docs/decisions/0037)."""

    number = models.CharField(max_length=30, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="credit_notes")
    currency = models.CharField(max_length=3)
    issue_date = models.DateField(db_index=True)
    reason = models.CharField(max_length=500)
    net_total = models.DecimalField(**_AMOUNT)
    tax_total = models.DecimalField(**_AMOUNT)
    total = models.DecimalField(**_AMOUNT)
    # at its invoice's rate (decision 0062): the base amount it took off the invoice's base balance
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    total_base = models.DecimalField(**_AMOUNT, default=0)
    # The part of `total` beyond what was open on the invoice: given back to the payments that
    # paid it, as the customer's unapplied cash (decision 0063).
    amount_on_account = models.DecimalField(**_AMOUNT, default=0)
    pdf = models.FileField(upload_to="credit-notes/%Y/", blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("net_total") + F("tax_total")), name="creditnote_total_is_net_plus_tax"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="creditnote_total_positive"),
            models.CheckConstraint(
                condition=Q(amount_on_account__gte=0, amount_on_account__lte=F("total")),
                name="creditnote_on_account_within_total",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="credit_note_issued_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(
                    "number",
                    "invoice",
                    "customer",
                    "issue_date",
                    "net_total",
                    "tax_total",
                    "total",
                    "exchange_rate",
                    "total_base",
                    "amount_on_account",
                ),
            ),
            pgtrigger.Protect(name="credit_note_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey(
        InvoiceLine, null=True, blank=True, on_delete=models.PROTECT, related_name="credits"
    )
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=15, decimal_places=3, null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(**_AMOUNT)
    tax_amount = models.DecimalField(**_AMOUNT)
    total_amount = models.DecimalField(**_AMOUNT)

    class Meta:
        ordering = ["pk"]
        triggers = [
            pgtrigger.Protect(
                name="credit_note_line_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_id}: {self.total_amount}"
