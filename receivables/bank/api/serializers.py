"""Bank statements through the API (API.md, "Imports and bank files"): the upload, a statement
with its lines, each line's proposed match and why, and what recording did with each line."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from o2c.api_fields import IdField, TextField
from receivables.bank.files import DATE_FORMATS
from receivables.bank.models import BankStatement, BankStatementLine
from receivables.cash.models import AllocationReason

_MONEY = {"max_digits": 18, "decimal_places": 2}

# Named in the schema by SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]: each used by several components.
ALLOCATION_REASONS = AllocationReason
STATEMENT_STATUSES = BankStatement.Status


class BankStatementUploadIn(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # the import names an empty file itself, with its code
        help_text="a CAMT.053 XML file, or a CSV export whose layout was mapped once (on the bank "
        "statements page, or with the mapping fields below)",
    )
    currency = TextField(
        max_length=3,
        default=settings.O2C_BASE_CURRENCY,
        help_text="a CSV's currency (CAMT.053 names its own)",
    )
    date_column = TextField(
        max_length=100, required=False, help_text="a CSV's mapping: the booking date column"
    )
    amount_column = TextField(max_length=100, required=False, help_text="the signed amount column")
    reference_column = TextField(max_length=100, required=False, help_text="the remittance text column")
    counterparty_column = TextField(max_length=100, required=False, allow_blank=True, default="")
    date_format = serializers.ChoiceField(choices=list(DATE_FORMATS), default="%Y-%m-%d")
    decimal_comma = serializers.BooleanField(default=False, help_text="amounts written 1.234,56")


class BankStatementRecordIn(serializers.Serializer):
    lines = serializers.ListField(
        child=IdField(),
        required=False,
        max_length=20_000,
        help_text="the ids of the lines to record; default every matched line not yet recorded",
    )


class ReasonField(serializers.ChoiceField):
    """A code from a reasons list; blank (not known) answers null."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices=choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


class BankLineAllocationOut(serializers.Serializer):
    invoice = serializers.IntegerField()
    invoice_number = serializers.CharField(allow_null=True)
    amount = serializers.DecimalField(**_MONEY)
    reason = ReasonField(AllocationReason.choices, help_text="why this part goes to this invoice")


class BankLineOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code", allow_null=True, default=None)
    allocations = BankLineAllocationOut(
        source="allocation_list", many=True, help_text="the proposed (or chosen) allocations"
    )
    unapplied_amount = serializers.DecimalField(
        source="unapplied", **_MONEY, help_text="what the allocations leave as unapplied cash"
    )
    reason = serializers.CharField(
        source="match_note", help_text="why the line is matched as it is, in words"
    )
    reason_code = ReasonField(BankStatementLine.Reason.choices, source="match_reason")
    payment_number = serializers.CharField(source="payment.number", allow_null=True, default=None)

    class Meta:
        model = BankStatementLine
        fields = [
            "id",
            "line_no",
            "booking_date",
            "amount",
            "currency",
            "reference",
            "counterparty",
            "counterparty_account",
            "bank_reference",
            "status",
            "customer",
            "customer_code",
            "allocations",
            "unapplied_amount",
            "reason",
            "reason_code",
            "payment",
            "payment_number",
        ]


class BankStatementSummaryOut(serializers.ModelSerializer):
    line_count = serializers.IntegerField()
    to_confirm = serializers.IntegerField(help_text="lines matched or unmatched, not yet confirmed")
    recorded = serializers.IntegerField(help_text="lines recorded as payments")

    class Meta:
        model = BankStatement
        fields = [
            "id",
            "file_name",
            "format",
            "status",
            "uploaded_at",
            "line_count",
            "to_confirm",
            "recorded",
            "error",
        ]


class BankStatementOut(serializers.ModelSerializer):
    already_imported = serializers.SerializerMethodField(
        help_text="true when the same file made this statement before: nothing was imported again"
    )
    lines = BankLineOut(many=True, source="line_rows")

    class Meta:
        model = BankStatement
        fields = ["id", "file_name", "format", "status", "uploaded_at", "error", "already_imported", "lines"]

    def get_already_imported(self, statement) -> bool:
        return bool(self.context.get("already_imported"))


class BankLineResultOut(serializers.Serializer):
    line = serializers.IntegerField(source="line_id")
    line_no = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["recorded", "already_recorded", "refused", "not_recorded"])
    payment = serializers.IntegerField(source="payment_id", allow_null=True)
    payment_number = serializers.CharField(allow_null=True)
    error_code = serializers.CharField(
        source="code", allow_null=True, help_text="why the line was not recorded: an error code"
    )
    error = serializers.CharField(source="message", allow_null=True, help_text="the same, in words")


class BankStatementRecordOut(BankStatementOut):
    results = BankLineResultOut(many=True, help_text="what recording did with each line asked for")

    class Meta(BankStatementOut.Meta):
        fields = [*BankStatementOut.Meta.fields, "results"]
