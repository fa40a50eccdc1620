"""Bank statements: the files imported, how to read a bank's CSV, and the lines to match."""

from __future__ import annotations

from itertools import permutations
from typing import ClassVar

from django.conf import settings
from django.db import models

from o2c.models import StatusEvent
from receivables.cash.models import AllocationReason, Payment

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


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

    # To review while any line is undecided, recorded when none is; recording while the task
    # turns confirmed lines into payments, failed when it broke off (o2c.states.transition_rows).
    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            (Status.REVIEW, Status.RECORDING),
            (Status.REVIEW, Status.RECORDED),
            (Status.RECORDED, Status.REVIEW),  # an ignored line restored
            (Status.RECORDING, Status.RECORDED),
            (Status.RECORDING, Status.REVIEW),
            (Status.RECORDING, Status.FAILED),
            (Status.FAILED, Status.RECORDING),
            (Status.FAILED, Status.REVIEW),
            (Status.FAILED, Status.RECORDED),
        }
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class MatchReason(models.TextChoices):
    """Why a line is matched as it is, or not: the machine code beside the words of `match_note`.
    A matched line's reason is the allocation reason its proposal used where the two meet
    (receivables.cash.models.AllocationReason), so the API speaks one vocabulary."""

    INVOICE_NUMBER_IN_REFERENCE = (
        AllocationReason.INVOICE_NUMBER_IN_REFERENCE.value,
        "Invoice number in the reference",
    )
    CUSTOMER_CODE_IN_REFERENCE = "customer_code_in_reference", "Customer code in the reference"
    COUNTERPARTY_NAME = "counterparty_name", "Counterparty named like the customer"
    AMOUNT_MATCHES_ONE_INVOICE = (
        AllocationReason.AMOUNT_MATCHES_ONE_INVOICE.value,
        "Amount matches one invoice",
    )
    MANUAL = AllocationReason.MANUAL.value, "Chosen by hand"
    SEVERAL_CUSTOMERS = "several_customers", "Invoices of several customers named"
    CURRENCY_MISMATCH = "currency_mismatch", "Customer pays in another currency"
    AMOUNT_AMBIGUOUS = "amount_ambiguous", "Several invoices have this balance"
    NOTHING_FOUND = "nothing_found", "No invoice, customer or balance found"
    DEBIT = "debit", "A debit, not a customer payment"
    REVERSAL = "reversal", "A reversal, not a customer payment"
    DUPLICATE = "duplicate", "Imported before"
    DIRECT_DEBIT = AllocationReason.DIRECT_DEBIT.value, "Direct-debit collection (end-to-end id)"
    DIRECT_DEBIT_RETURN = "direct_debit_return", "Returned direct debit"


class BankStatementLine(models.Model):
    Reason = MatchReason

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
    return_code = models.CharField(max_length=10, blank=True)  # a returned direct debit's reason (CAMT)
    fingerprint = models.CharField(max_length=64, unique=True)  # the same line in another file is the same
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # [{"invoice": id, "amount": "10.00", "reason": AllocationReason}]
    allocations = models.JSONField(default=list, blank=True)
    match_note = models.CharField(max_length=200, blank=True)
    match_reason = models.CharField(max_length=30, choices=MatchReason.choices, blank=True)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_line"
    )

    # The clerk moves an undecided line freely between unmatched, matched, confirmed and ignored;
    # a confirmed line becomes recorded with its payment. Recorded and duplicate lines are final
    # (a duplicate is one from the start).
    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            *permutations((Status.UNMATCHED, Status.MATCHED, Status.CONFIRMED, Status.IGNORED), 2),
            (Status.CONFIRMED, Status.RECORDED),
        }
    )

    class Meta:
        ordering = ["statement", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "line_no"], name="statement_line_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}/{self.line_no}"


class BankStatementEvent(StatusEvent):
    """The statement's status changes: recording started, ended, failed, or settled by a line."""

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="events")

    def __str__(self) -> str:
        return f"{self.statement_id} {self.event}"


class BankStatementLineEvent(StatusEvent):
    """A line's status changes: who confirmed, ignored or restored it, and its payment."""

    line = models.ForeignKey(BankStatementLine, on_delete=models.CASCADE, related_name="events")

    def __str__(self) -> str:
        return f"{self.line_id} {self.event}"
