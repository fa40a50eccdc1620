"""The operational report API's input and output serializers (API.md, ledger and reports)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from o2c.api_fields import DateField, DateTimeField
from reporting.operations.disputes import DisputeReport
from reporting.operations.fulfilment import FulfilmentReport
from reporting.operations.period import month_label, period_clean
from reporting.operations.promises import PromiseReport
from reporting.operations.sales import SALES_VIEWS, SalesReport

_MONEY = {"max_digits": 18, "decimal_places": 2}
_DAYS = {"max_digits": 10, "decimal_places": 1, "allow_null": True}
_PERCENT = {"max_digits": 5, "decimal_places": 1, "allow_null": True}
_QUANTITY = {"max_digits": 18, "decimal_places": 3}


# ── input ────────────────────────────────────────────────────────────────────────────────────────


class PeriodQuery(serializers.Serializer):
    start = DateField(required=False, help_text="first day (default: 12 months back)")
    end = DateField(required=False, help_text="last day (default: today)")

    def validate(self, attrs):
        attrs["period"] = period_clean(start=attrs.get("start"), end=attrs.get("end"))
        return attrs


class FulfilmentQuery(PeriodQuery):
    table = serializers.ChoiceField(
        choices=FulfilmentReport.TABLES,
        default="months",
        help_text="the table ?format=csv answers",
    )


class DisputeQuery(PeriodQuery):
    table = serializers.ChoiceField(
        choices=DisputeReport.TABLES, default="reasons", help_text="the table ?format=csv answers"
    )


class PromiseQuery(PeriodQuery):
    table = serializers.ChoiceField(
        choices=PromiseReport.TABLES, default="customers", help_text="the table ?format=csv answers"
    )


class SalesQuery(PeriodQuery):
    by = serializers.ChoiceField(choices=SALES_VIEWS, default="month")
    table = serializers.ChoiceField(
        choices=SalesReport.TABLES,
        default="sales",
        help_text="the table ?format=csv answers: the sales, or the quotations by outcome with the "
        "conversion rates",
    )


# ── output ───────────────────────────────────────────────────────────────────────────────────────


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A month as "YYYY-MM"."""

    def to_representation(self, value):
        return month_label(value)


class PeriodOut(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class DurationsOut(serializers.Serializer):
    orders = serializers.IntegerField(source="count")
    average_days = serializers.DecimalField(**_DAYS)
    median_days = serializers.DecimalField(**_DAYS)
    p90_days = serializers.DecimalField(**_DAYS)


class DurationsMonthOut(DurationsOut):
    month = MonthField()


class CycleTimesOut(serializers.Serializer):
    period = PeriodOut()
    total = DurationsOut()
    months = DurationsMonthOut(many=True)


class FulfilmentFiguresOut(serializers.Serializer):
    orders_shipped = serializers.IntegerField(help_text="orders whose first shipment left")
    ship_average_days = serializers.DecimalField(source="ship.average_days", **_DAYS)
    ship_median_days = serializers.DecimalField(source="ship.median_days", **_DAYS)
    ship_p90_days = serializers.DecimalField(source="ship.p90_days", **_DAYS)
    orders_complete = serializers.IntegerField(help_text="whose first shipment held every stock line in full")
    order_fill_rate = serializers.DecimalField(**_PERCENT)
    quantity_ordered = serializers.DecimalField(**_QUANTITY)
    quantity_first_shipped = serializers.DecimalField(**_QUANTITY)
    line_fill_rate = serializers.DecimalField(**_PERCENT)
    deliveries = serializers.IntegerField(help_text="delivered with a promised date")
    on_time = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(**_PERCENT)
    deliveries_without_promise = serializers.IntegerField(source="without_promise")


class FulfilmentMonthOut(FulfilmentFiguresOut):
    month = MonthField()


class BackorderOut(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField()
    name = serializers.CharField()
    orders = serializers.IntegerField()
    quantity = serializers.DecimalField(**_QUANTITY)
    value = serializers.DecimalField(**_MONEY)
    oldest_order_date = serializers.DateField()


class BackorderTotalOut(serializers.Serializer):
    orders = serializers.IntegerField()
    quantity = serializers.DecimalField(**_QUANTITY)
    value = serializers.DecimalField(**_MONEY)


class FulfilmentOut(serializers.Serializer):
    period = PeriodOut()
    total = FulfilmentFiguresOut()
    months = FulfilmentMonthOut(many=True)
    backorders = BackorderOut(many=True, help_text="now, by product, largest value first")
    backorder_total = BackorderTotalOut()


class HeldOrderOut(serializers.Serializer):
    order = serializers.IntegerField(source="order_id")
    number = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id")
    customer_code = serializers.CharField()
    customer_name = serializers.CharField()
    order_date = serializers.DateField()
    currency = serializers.CharField()
    total = serializers.DecimalField(**_MONEY, help_text="in the order's currency")
    exchange_rate = serializers.DecimalField(max_digits=18, decimal_places=8)
    total_base = serializers.DecimalField(**_MONEY, help_text="in the base currency")
    held_since = DateTimeField()
    days_on_hold = serializers.DecimalField(**_DAYS)
    reason = serializers.CharField()


class CreditHoldsOut(serializers.Serializer):
    as_of = DateTimeField()
    count = serializers.IntegerField()
    currency = serializers.CharField(help_text="the base currency `value` is in")
    value = serializers.DecimalField(**_MONEY, help_text="Σ the orders' base totals")
    average_days_on_hold = serializers.DecimalField(**_DAYS)
    max_days_on_hold = serializers.DecimalField(**_DAYS)
    orders = HeldOrderOut(many=True)


class DisputeAgeOut(serializers.Serializer):
    bucket = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    amount = serializers.DecimalField(**_MONEY)
    oldest_days = serializers.IntegerField(allow_null=True)


class DisputeReasonOut(serializers.Serializer):
    reason = serializers.CharField()
    label = serializers.CharField()
    opened = serializers.IntegerField()
    opened_amount = serializers.DecimalField(**_MONEY)
    credited = serializers.IntegerField()
    credited_amount = serializers.DecimalField(**_MONEY, help_text="disputed amounts resolved by credit note")
    credit_notes_amount = serializers.DecimalField(**_MONEY, help_text="what those credit notes credited")
    rejected = serializers.IntegerField()
    rejected_amount = serializers.DecimalField(**_MONEY)
    withdrawn = serializers.IntegerField()
    withdrawn_amount = serializers.DecimalField(**_MONEY)
    average_days_to_resolve = serializers.DecimalField(**_DAYS)
    open_at_end = serializers.IntegerField()
    open_amount = serializers.DecimalField(**_MONEY)


class DisputesOut(serializers.Serializer):
    period = PeriodOut()
    currency = serializers.CharField(help_text="the base currency every amount is in")
    as_of = serializers.DateField(source="period.end", help_text="the ages are of the disputes open then")
    ages = DisputeAgeOut(many=True)
    age_total = DisputeAgeOut()
    reasons = DisputeReasonOut(many=True)
    total = DisputeReasonOut()


class CashFiguresOut(serializers.Serializer):
    payments = serializers.IntegerField()
    received = serializers.DecimalField(**_MONEY)
    reversals = serializers.IntegerField()
    reversed = serializers.DecimalField(**_MONEY)
    net_collected = serializers.DecimalField(**_MONEY)
    refunds = serializers.DecimalField(**_MONEY)


class CashWeekOut(CashFiguresOut):
    week = serializers.CharField(source="iso_week")
    week_start = serializers.DateField()
    partial = serializers.BooleanField()


class CashOut(serializers.Serializer):
    period = PeriodOut()
    currency = serializers.CharField(help_text="the base currency every figure is in")
    total = CashFiguresOut()
    weeks = CashWeekOut(many=True)


class SalesFiguresOut(serializers.Serializer):
    invoiced = serializers.DecimalField(**_MONEY, help_text="net of the invoice lines")
    credited = serializers.DecimalField(**_MONEY, help_text="net of the credit note lines")
    net_sales = serializers.DecimalField(**_MONEY)
    tax = serializers.DecimalField(**_MONEY)
    gross = serializers.DecimalField(**_MONEY)


class SalesRowOut(SalesFiguresOut):
    month = serializers.SerializerMethodField()
    id = serializers.IntegerField(allow_null=True, help_text="customer or product id")
    code = serializers.CharField(help_text="customer code or SKU")
    name = serializers.CharField()

    def get_month(self, row) -> str | None:
        return month_label(row.month) if row.month else None


class QuotationConversionOut(serializers.Serializer):
    """Quotations dated in the period, by outcome (net values); the rates are accepted of decided
    (accepted + declined + expired), by count and by value; null when none is decided yet."""

    quoted_count = serializers.IntegerField(help_text="sent, accepted, declined or expired")
    quoted_value = serializers.DecimalField(**_MONEY)
    sent_count = serializers.IntegerField(help_text="still open")
    sent_value = serializers.DecimalField(**_MONEY)
    accepted_count = serializers.IntegerField()
    accepted_value = serializers.DecimalField(**_MONEY)
    declined_count = serializers.IntegerField()
    declined_value = serializers.DecimalField(**_MONEY)
    expired_count = serializers.IntegerField()
    expired_value = serializers.DecimalField(**_MONEY)
    conversion_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    value_conversion_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class SalesOut(serializers.Serializer):
    period = PeriodOut()
    by = serializers.CharField()
    currency = serializers.CharField(help_text="the base currency the sales figures are in")
    total = SalesFiguresOut()
    rows = SalesRowOut(many=True)
    quotations = QuotationConversionOut()


class PromiseRateOut(serializers.Serializer):
    kept = serializers.IntegerField()
    broken = serializers.IntegerField()
    settled = serializers.IntegerField(help_text="kept + broken")
    kept_rate = serializers.DecimalField(**_PERCENT, help_text="kept ÷ settled, %")
    amount_promised = serializers.DecimalField(**_MONEY)
    amount_kept = serializers.DecimalField(**_MONEY)
    amount_kept_rate = serializers.DecimalField(**_PERCENT, help_text="amount kept ÷ amount promised, %")
    paid = serializers.DecimalField(**_MONEY, help_text="paid towards them when they were settled")


class PromiseCustomerOut(PromiseRateOut):
    customer = serializers.IntegerField(source="id")
    customer_code = serializers.CharField(source="code")
    customer_name = serializers.CharField(source="name")


class PromiseCollectorOut(PromiseRateOut):
    collector = serializers.IntegerField(
        source="id", allow_null=True, help_text="the customer's collector; null: nobody"
    )
    collector_username = serializers.CharField(source="name")


class PromisesOut(serializers.Serializer):
    period = PeriodOut()
    method = serializers.CharField()
    total = PromiseRateOut()
    customers = PromiseCustomerOut(many=True, help_text="most promises settled first")
    collectors = PromiseCollectorOut(many=True)
