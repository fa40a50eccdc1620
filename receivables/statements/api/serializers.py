from __future__ import annotations

from rest_framework import serializers

from o2c.api_fields import DateField, DateTimeField
from receivables.portal.services import MAX_DAYS

_MONEY = {"max_digits": 18, "decimal_places": 2}


class StatementPeriodIn(serializers.Serializer):
    # `from` is a Python keyword: the fields are named in __init__
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = DateField(required=False, allow_null=True)
        self.fields["to"] = DateField(required=False, allow_null=True)


class StatementAllocationOut(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice_id")
    number = serializers.CharField()
    amount = serializers.DecimalField(**_MONEY)


class StatementMovementOut(serializers.Serializer):
    date = serializers.DateField(source="entry_date")
    kind = serializers.CharField()
    document = serializers.CharField()
    description = serializers.CharField()
    invoice = serializers.IntegerField(source="invoice_id", allow_null=True)
    payment = serializers.IntegerField(source="payment_id", allow_null=True)
    credit_note = serializers.IntegerField(source="credit_note_id", allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    debit = serializers.DecimalField(**_MONEY)
    credit = serializers.DecimalField(**_MONEY)
    amount = serializers.DecimalField(**_MONEY, help_text="signed: + the customer owes more, − less")
    balance = serializers.DecimalField(**_MONEY, help_text="running balance after this movement")
    allocations = StatementAllocationOut(many=True, help_text="for a payment: the invoices it was applied to")


class StatementAgingOut(serializers.Serializer):
    as_of = serializers.DateField()
    current = serializers.DecimalField(**_MONEY)
    days_1_30 = serializers.DecimalField(**_MONEY)
    days_31_60 = serializers.DecimalField(**_MONEY)
    days_61_90 = serializers.DecimalField(**_MONEY)
    days_over_90 = serializers.DecimalField(**_MONEY)
    disputed = serializers.DecimalField(**_MONEY, help_text="in open disputes, outside the buckets")
    unapplied = serializers.DecimalField(**_MONEY, help_text="unapplied cash, to the customer's credit")
    total = serializers.DecimalField(**_MONEY, help_text="buckets + disputed − unapplied = closing balance")


class StatementOpenInvoiceOut(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice_id")
    number = serializers.CharField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    days_overdue = serializers.IntegerField(source="days_past_due")
    total = serializers.DecimalField(**_MONEY)
    balance = serializers.DecimalField(**_MONEY)
    disputed = serializers.DecimalField(**_MONEY)


class StatementCustomerOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


# `from` is a Python keyword: the serializer is built with type() so that the period's fields
# carry the names of the query parameters (fields keep the order they are created in).
StatementOut = type(
    "StatementOut",
    (serializers.Serializer,),
    {
        "__doc__": "A customer's statement of account for a period.",
        "customer": StatementCustomerOut(),
        "from": serializers.DateField(source="period_from"),
        "to": serializers.DateField(source="period_to"),
        "currency": serializers.CharField(),
        "opening_balance": serializers.DecimalField(**_MONEY, help_text="the rows dated before `from`"),
        "movements": StatementMovementOut(many=True),
        "total_debit": serializers.DecimalField(**_MONEY),
        "total_credit": serializers.DecimalField(**_MONEY),
        "closing_balance": serializers.DecimalField(**_MONEY, help_text="opening + movements"),
        "aging": StatementAgingOut(),
        "open_invoices": StatementOpenInvoiceOut(many=True, source="open_items"),
    },
)


class PortalLinkIn(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DAYS)


class PortalLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    expires_at = DateTimeField()
