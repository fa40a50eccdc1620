"""The financial report API's query and response serializers (API.md, "Ledger and reports")."""

from __future__ import annotations

from rest_framework import serializers

from o2c.api_fields import DateField
from reporting.aging import SORTS
from reporting.forms import DAYS_MAX, DEFAULT_DAYS, DEFAULT_SORT, date_validators
from reporting.vat import vat_period_clean

_MONEY = {"max_digits": 18, "decimal_places": 2}
_DAYS = {"max_digits": 9, "decimal_places": 1, "allow_null": True}
_PERCENT = {"max_digits": 7, "decimal_places": 1, "allow_null": True}


# --- query parameters ---------------------------------------------------------------------------


class AsOfQuery(serializers.Serializer):
    as_of = DateField(
        required=False, validators=date_validators(), help_text="the report's date (default: today)"
    )


class AgingQuery(AsOfQuery):
    sort = serializers.ChoiceField(
        choices=[*SORTS, *(f"-{name}" for name in SORTS)],
        required=False,
        default=DEFAULT_SORT,
        help_text="the customers' order: a column, `-` first for descending (default `-total`)",
    )


class WindowQuery(AsOfQuery):
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=DAYS_MAX,
        default=DEFAULT_DAYS,
        help_text="the window: this many days ending on `as_of` (default 90)",
    )


# --- responses ----------------------------------------------------------------------------------


class AgingBucketsOut(serializers.Serializer):
    current = serializers.DecimalField(**_MONEY, help_text="not yet due (undisputed)")
    days_1_30 = serializers.DecimalField(**_MONEY, help_text="1–30 days past due (undisputed)")
    days_31_60 = serializers.DecimalField(**_MONEY)
    days_61_90 = serializers.DecimalField(**_MONEY)
    days_over_90 = serializers.DecimalField(**_MONEY)


class AgingCustomerOut(serializers.Serializer):
    customer = serializers.IntegerField(source="customer_id")
    code = serializers.CharField()
    name = serializers.CharField()
    current = serializers.DecimalField(**_MONEY)
    days_1_30 = serializers.DecimalField(**_MONEY)
    days_31_60 = serializers.DecimalField(**_MONEY)
    days_61_90 = serializers.DecimalField(**_MONEY)
    days_over_90 = serializers.DecimalField(**_MONEY)
    disputed = serializers.DecimalField(
        **_MONEY, help_text="in disputes open on `as_of`, outside the buckets"
    )
    unapplied = serializers.DecimalField(
        **_MONEY, help_text="unapplied cash on `as_of`, to the customer's credit"
    )
    total = serializers.DecimalField(**_MONEY, help_text="buckets + disputed − unapplied")


class AgingOut(serializers.Serializer):
    as_of = serializers.DateField()
    buckets = AgingBucketsOut(source="totals")
    disputed = serializers.DecimalField(source="totals.disputed", **_MONEY)
    unapplied = serializers.DecimalField(source="totals.unapplied", **_MONEY)
    total = serializers.DecimalField(
        source="totals.total",
        **_MONEY,
        help_text="buckets + disputed − unapplied: the customers' net position, = ledger 1100 + 2100",
    )
    customers = AgingCustomerOut(many=True)


class DSOOut(serializers.Serializer):
    as_of = serializers.DateField()
    days = serializers.IntegerField()
    period_start = serializers.DateField(help_text="first day of the window")
    standard_dso = serializers.DecimalField(**_DAYS, help_text="receivables / credit_sales × days")
    countback_dso = serializers.DecimalField(
        **_DAYS, help_text="days of the latest months' credit sales that make up the receivables"
    )
    best_possible_dso = serializers.DecimalField(
        **_DAYS, help_text="current_receivables / credit_sales × days"
    )
    average_days_delinquent = serializers.DecimalField(**_DAYS, help_text="standard_dso − best_possible_dso")
    receivables = serializers.DecimalField(**_MONEY, help_text="open invoice balances on `as_of`")
    current_receivables = serializers.DecimalField(**_MONEY, help_text="the part not yet due (undisputed)")
    credit_sales = serializers.DecimalField(
        **_MONEY, help_text="invoices − credit notes issued in the window"
    )


class KPIsOut(serializers.Serializer):
    as_of = serializers.DateField()
    days = serializers.IntegerField()
    dso = serializers.DecimalField(**_DAYS, help_text="standard DSO over the window")
    countback_dso = serializers.DecimalField(**_DAYS)
    cei = serializers.DecimalField(**_PERCENT, help_text="collection effectiveness over the window, percent")
    average_days_delinquent = serializers.DecimalField(**_DAYS)
    receivables = serializers.DecimalField(**_MONEY)
    overdue = serializers.DecimalField(**_MONEY, help_text="undisputed receivables past due")
    overdue_percent = serializers.DecimalField(**_PERCENT)
    disputed = serializers.DecimalField(**_MONEY)
    unapplied = serializers.DecimalField(**_MONEY)
    credit_sales = serializers.DecimalField(**_MONEY)
    o2c_cycle_days_median = serializers.DecimalField(**_DAYS, help_text="order date → fully paid, median")
    o2c_cycle_days_p90 = serializers.DecimalField(**_DAYS)
    on_time_delivery_rate = serializers.DecimalField(**_PERCENT)
    orders_on_hold = serializers.IntegerField()
    orders_on_hold_value = serializers.DecimalField(**_MONEY)


# --- the VAT report (decision 0057) ---------------------------------------------------------


_VAT_MONEY = {"max_digits": 18, "decimal_places": 2, "read_only": True}


class VatQuery(serializers.Serializer):
    to = DateField(required=False, validators=date_validators(), help_text="last day (default: today)")

    def validate(self, attrs):
        start, end = vat_period_clean(date_from=attrs.get("from"), date_to=attrs.get("to"))
        return {"from": start, "to": end}


# `from` is a Python keyword: declared after the class, as the contract names it.
VatQuery._declared_fields["from"] = DateField(
    required=False, validators=date_validators(), help_text="first day (default: the first of `to`'s month)"
)


class VatFiguresOut(serializers.Serializer):
    net = serializers.DecimalField(**_VAT_MONEY)
    tax = serializers.DecimalField(**_VAT_MONEY)
    documents = serializers.IntegerField(
        read_only=True, help_text="invoices, credit notes or invoices discounted"
    )


class VatRowOut(serializers.Serializer):
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="percent; null on the total",
    )
    invoices = VatFiguresOut(read_only=True, help_text="invoice lines by the invoice date")
    credit_notes = VatFiguresOut(read_only=True, help_text="credit note lines by the credit note date")
    discounts = VatFiguresOut(
        read_only=True, help_text="cash discounts taken (less those reversed) by their date"
    )
    net = serializers.DecimalField(**_VAT_MONEY, help_text="invoices − credit notes − discounts")
    tax = serializers.DecimalField(
        **_VAT_MONEY, help_text="the output tax: invoices − credit notes − discounts"
    )


class VatOut(serializers.Serializer):
    rates = VatRowOut(many=True, read_only=True)
    total = VatRowOut(read_only=True)
    ledger_output_tax = serializers.DecimalField(
        **_VAT_MONEY, help_text="the VAT payable account's credits less debits dated in the period"
    )
    difference = serializers.DecimalField(
        **_VAT_MONEY, help_text="ledger_output_tax − total.tax; 0.00 when reconciled"
    )


# The period as the query named it (`from` is a keyword), first in the answer.
VatOut._declared_fields = {
    "from": serializers.DateField(source="date_from", read_only=True),
    "to": serializers.DateField(source="date_to", read_only=True),
    **VatOut._declared_fields,
}
