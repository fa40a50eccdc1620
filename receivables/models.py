"""Receivables: the open-item ledger, payments and their allocations, disputes, write-offs,
inbound payment notifications, bank statements, dunning and customer portal links.

The open-item ledger (`ReceivableEntry`) is the subledger of record: one immutable row per
movement, dated. Rows with an invoice move that invoice's balance (+ the invoice, − allocations,
credit notes and write-offs, + reversals); rows without one move the customer's unapplied cash
(− a payment received, + the part of it applied to an invoice, refunded or reversed). So for any
date, the sum of a customer's rows up to it is what the customer owed net of its unapplied cash
then, an invoice's rows sum to its balance, and −(its payment rows) to a payment's unapplied cash.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        DIRECT_DEBIT = "direct_debit", "Direct debit"
        CARD = "card", "Card"
        CHEQUE = "cheque", "Cheque"
        CASH = "cash", "Cash"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        POSTED = "posted"
        REVERSED = "reversed"

    class Source(models.TextChoices):
        MANUAL = "manual"
        API = "api"
        BANK_STATEMENT = "bank_statement", "Bank statement"
        NOTIFICATION = "notification", "Payment provider"

    number = models.CharField(max_length=30, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="payments")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**_AMOUNT)
    amount_applied = models.DecimalField(**_AMOUNT, default=0)
    amount_refunded = models.DecimalField(**_AMOUNT, default=0)
    unapplied_amount = models.DecimalField(**_AMOUNT)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.BANK_TRANSFER)
    reference = models.CharField(max_length=200, blank=True)
    received_on = models.DateField(db_index=True)
    note = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.POSTED, db_index=True)
    reversed_on = models.DateField(null=True, blank=True)
    reversal_reason = models.CharField(max_length=500, blank=True)
    # The latest date of its cash rows: a payment with nothing unapplied had unapplied cash at a
    # past date only if that date is before this one (aging as of a date skips the rest).
    last_movement_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["customer", "received_on"], name="payment_customer_date"),
            models.Index(
                fields=["customer"], condition=Q(unapplied_amount__gt=0), name="payment_with_unapplied_cash"
            ),
            models.Index(
                fields=["last_movement_on", "received_on"],
                include=["id", "customer"],
                condition=Q(unapplied_amount=0),
                name="payment_used_by_date",
            ),
            models.Index(
                fields=["received_on"],
                include=["id", "customer"],
                condition=Q(unapplied_amount__gt=0),
                name="payment_unapplied_by_date",
            ),
            models.Index(
                fields=["reversed_on"],
                condition=Q(reversed_on__isnull=False),
                name="payment_reversed_by_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_applied__gte=0, amount_refunded__gte=0, unapplied_amount__gte=0),
                name="payment_parts_not_negative",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status="posted",
                        unapplied_amount=F("amount") - F("amount_applied") - F("amount_refunded"),
                    )
                    | Q(status="reversed", amount_applied=0, amount_refunded=0, unapplied_amount=0)
                ),
                name="payment_unapplied_is_amount_less_applied_and_refunded",
            ),
        ]
        triggers = [pgtrigger.Protect(name="payment_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.number


class Allocation(models.Model):
    """Part of a payment applied to an invoice; a reversal dates it, never deletes it."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**_AMOUNT)
    applied_on = models.DateField()
    reversed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive")]
        triggers = [pgtrigger.Protect(name="allocation_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class WriteOff(models.Model):
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="write_offs")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="write_offs")
    amount = models.DecimalField(**_AMOUNT)
    reason = models.CharField(max_length=500)
    written_off_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_off_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_amount_positive")]
        triggers = [
            pgtrigger.Protect(name="write_off_immutable", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"write-off {self.amount} on {self.invoice_id}"


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

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    entry_date = models.DateField()
    amount = models.DecimalField(**_AMOUNT)  # signed: + the customer owes more, − less
    currency = models.CharField(max_length=3)
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
                        kind__in=["invoice", "credit_note", "allocation", "allocation_reversal", "write_off"],
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
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_date} {self.kind} {self.amount}"


class Dispute(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        CREDITED = "credited", "Resolved by credit note"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    class Reason(models.TextChoices):
        PRICING = "pricing", "Price or discount"
        QUANTITY = "quantity", "Quantity"
        DAMAGED = "damaged", "Damaged goods"
        NOT_RECEIVED = "not_received", "Not received"
        QUALITY = "quality", "Quality"
        OTHER = "other", "Other"

    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="disputes")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="disputes")
    amount = models.DecimalField(**_AMOUNT)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # Internal: for colleagues only, never on a document, an e-mail, a statement or the journal.
    note = models.TextField(blank=True)
    # What the customer may read: printed on the credit note that resolves the dispute.
    customer_message = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_on = models.DateField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    credit_note = models.ForeignKey(
        "invoicing.CreditNote", null=True, blank=True, on_delete=models.PROTECT, related_name="disputes"
    )

    class Meta:
        ordering = ["opened_on", "pk"]
        indexes = [
            models.Index(fields=["invoice"], condition=Q(status="open"), name="dispute_open_by_invoice")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="open", resolved_on__isnull=True)
                | ~Q(status="open") & Q(resolved_on__isnull=False),
                name="dispute_resolved_has_date",
            ),
        ]
        triggers = [pgtrigger.Protect(name="dispute_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"dispute {self.pk} on {self.invoice_id}"


class DisputeLine(models.Model):
    """An invoice line a dispute is about: a quantity of it, or a gross amount of it. A credit note
    resolving the dispute credits these lines at their own tax rates."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey("invoicing.InvoiceLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=15, decimal_places=3, null=True, blank=True)
    amount = models.DecimalField(**_AMOUNT, help_text="gross, tax included")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disputeline_amount_positive"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0), name="disputeline_quantity_positive"
            ),
            models.UniqueConstraint(fields=["dispute", "invoice_line"], name="disputeline_unique_line"),
        ]
        triggers = [pgtrigger.Protect(name="dispute_line_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.dispute_id}/{self.invoice_line_id}: {self.amount}"


class PaymentNotification(models.Model):
    """An inbound payment provider event, recorded once by its id."""

    event_id = models.CharField(max_length=200, unique=True)
    payload = models.JSONField()
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="notification"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id


class PortalLink(models.Model):
    """A customer portal link: signed, expiring, revocable."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="portal_links")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"portal link {self.pk} for {self.customer_id}"


class BankColumnMapping(models.Model):
    """How to read one bank's CSV statements, remembered by the file's header row."""

    header_signature = models.CharField(max_length=64, unique=True)  # sha256 of the normalised header
    name = models.CharField(max_length=100, blank=True)
    delimiter = models.CharField(max_length=1, default=",")
    date_column = models.CharField(max_length=100)
    date_format = models.CharField(max_length=20, default="%Y-%m-%d")
    amount_column = models.CharField(max_length=100)
    decimal_comma = models.BooleanField(default=False)
    reference_column = models.CharField(max_length=100)
    counterparty_column = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name or self.header_signature[:12]


class BankStatement(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        CAMT053 = "camt053", "CAMT.053"

    class Status(models.TextChoices):
        REVIEW = "review", "To review"
        RECORDING = "recording"
        RECORDED = "recorded"
        FAILED = "failed"

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    mapping = models.ForeignKey(BankColumnMapping, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REVIEW)
    lines_total = models.PositiveIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)  # progress of the recording task
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class BankStatementLine(models.Model):
    class Status(models.TextChoices):
        UNMATCHED = "unmatched"
        MATCHED = "matched"
        CONFIRMED = "confirmed"
        RECORDED = "recorded"
        IGNORED = "ignored"
        DUPLICATE = "duplicate", "Already recorded"

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    booking_date = models.DateField()
    amount = models.DecimalField(**_AMOUNT)  # signed as on the statement: credits are positive
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=500, blank=True)
    counterparty = models.CharField(max_length=200, blank=True)
    counterparty_account = models.CharField(max_length=50, blank=True)
    bank_reference = models.CharField(max_length=100, blank=True)  # the bank's own id when it gives one
    fingerprint = models.CharField(max_length=64, unique=True)  # the same line in another file is the same
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocations = models.JSONField(default=list, blank=True)  # [{"invoice": id, "amount": "10.00"}]
    match_note = models.CharField(max_length=200, blank=True)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_line"
    )

    class Meta:
        ordering = ["statement", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "line_no"], name="statement_line_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}/{self.line_no}"


class DunningLevel(models.Model):
    """A reminder level: reached `days_overdue` days after the due date, with its own letter."""

    level = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    days_overdue = models.PositiveSmallIntegerField(unique=True)
    subject = models.CharField(max_length=200)
    letter_template = models.TextField(
        help_text="Django template text of the letter; context: customer, invoices, total, level, company, as_of"
    )
    blocks_customer = models.BooleanField(default=False, help_text="block new orders at this level")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"


class DunningRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    customers_total = models.PositiveIntegerField(default=0)
    customers_done = models.PositiveIntegerField(default=0)
    notices_sent = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"dunning run {self.pk} as of {self.as_of}"


class DunningNotice(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="dunning_notices"
    )
    level = models.ForeignKey(DunningLevel, on_delete=models.PROTECT, related_name="notices")
    run = models.ForeignKey(
        DunningRun, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    as_of = models.DateField()
    total = models.DecimalField(**_AMOUNT)
    currency = models.CharField(max_length=3)
    pdf = models.FileField(upload_to="dunning/%Y/", blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "level", "as_of"], name="dunning_notice_once_a_day")
        ]

    def __str__(self) -> str:
        return f"notice {self.pk}: {self.customer_id} level {self.level_id}"


class DunningNoticeLine(models.Model):
    """An invoice on a notice; an invoice reaches each level once."""

    notice = models.ForeignKey(DunningNotice, on_delete=models.PROTECT, related_name="lines")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(DunningLevel, on_delete=models.PROTECT, related_name="+")
    balance = models.DecimalField(**_AMOUNT)
    disputed = models.DecimalField(**_AMOUNT, default=0)
    days_overdue = models.PositiveIntegerField()

    class Meta:
        ordering = ["notice", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"], name="dunning_invoice_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.invoice_id}"
