"""The operational report API (API.md, ledger and reports), for finance and managers:

- `GET /reports/cycle-times/?start=&end=`: order-to-cash days, total and by month;
- `GET /reports/fulfilment/?start=&end=`: order-to-ship, first-shipment fill, on-time delivery by
  month and in total; backorders now by product (`?format=csv&table=backorders` for those);
- `GET /reports/credit-holds/`: the orders on credit hold now, oldest first, with count, value and
  time on hold;
- `GET /reports/disputes/?start=&end=`: open disputes on `end` by days open, and by reason
  (`?format=csv&table=ages` for the ages);
- `GET /reports/cash/?start=&end=`: cash collected per ISO week;
- `GET /reports/sales/?start=&end=&by=month|customer|product`: net sales, tax and gross.

The period defaults to the last twelve months (see reporting.operations.period_clean); a bad one is
a 400 naming the field. Decimals are strings; `?format=csv` answers the report's table as CSV (the
same columns as the page's export).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from o2c.api import APIView, CSVRenderer, role_permission, wants_csv
from o2c.api_fields import DateField
from o2c.csv import CsvTable, csv_table
from o2c.roles import FINANCE
from reporting.operations.cash import cash_report
from reporting.operations.credit_holds import credit_hold_report
from reporting.operations.cycle_times import cycle_time_report
from reporting.operations.disputes import DisputeReport, dispute_report
from reporting.operations.fulfilment import FulfilmentReport, fulfilment_report
from reporting.operations.period import month_label, period_clean
from reporting.operations.sales import SALES_VIEWS, sales_report

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


class SalesQuery(PeriodQuery):
    by = serializers.ChoiceField(choices=SALES_VIEWS, default="month")


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
    total = serializers.DecimalField(**_MONEY)
    held_since = serializers.DateTimeField()
    days_on_hold = serializers.DecimalField(**_DAYS)
    reason = serializers.CharField()


class CreditHoldsOut(serializers.Serializer):
    as_of = serializers.DateTimeField()
    count = serializers.IntegerField()
    value = serializers.DecimalField(**_MONEY)
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


class SalesOut(serializers.Serializer):
    period = PeriodOut()
    by = serializers.CharField()
    total = SalesFiguresOut()
    rows = SalesRowOut(many=True)


# ── views ────────────────────────────────────────────────────────────────────────────────────────


def _csv_rows(table: tuple[list[str], list[list]]) -> CsvTable:
    header, rows = table
    return csv_table(header, (dict(zip(header, row, strict=True)) for row in rows))


class _ReportView(APIView):
    permission_classes = [role_permission(FINANCE)]
    renderer_classes = [JSONRenderer, CSVRenderer]
    query_class: type[serializers.Serializer] = PeriodQuery

    def query(self, request) -> dict:
        query = self.query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data


class CycleTimesView(_ReportView):
    """Order-to-cash days (order date → fully paid) of the orders fully paid in the period: average,
    median and p90, in total and by month paid."""

    @extend_schema(parameters=[PeriodQuery], responses=CycleTimesOut)
    def get(self, request):
        period = self.query(request)["period"]
        report = cycle_time_report(start=period.start, end=period.end)
        if wants_csv(request):
            return Response(_csv_rows(report.table()))
        return Response(CycleTimesOut(report).data)


class FulfilmentView(_ReportView):
    """Order-to-ship days and first-shipment fill rate (orders whose first shipment left in the period),
    on-time delivery (shipments delivered in it), by month and in total; backorders now by product."""

    query_class = FulfilmentQuery

    @extend_schema(parameters=[FulfilmentQuery], responses=FulfilmentOut)
    def get(self, request):
        query = self.query(request)
        period = query["period"]
        report = fulfilment_report(start=period.start, end=period.end)
        if wants_csv(request):
            return Response(_csv_rows(report.table(query["table"])))
        return Response(FulfilmentOut(report).data)


class CreditHoldsView(_ReportView):
    """The orders on credit hold now, oldest hold first: count, value, average and longest time on hold."""

    @extend_schema(responses=CreditHoldsOut)
    def get(self, request):
        report = credit_hold_report()
        if wants_csv(request):
            return Response(_csv_rows(report.table()))
        return Response(CreditHoldsOut(report).data)


class DisputesView(_ReportView):
    """Disputes open on `end` by days open (0–7, 8–30, 31–60, over 60), and per reason those opened and
    resolved (credit note, rejected, withdrawn) in the period and still open at its end."""

    query_class = DisputeQuery

    @extend_schema(parameters=[DisputeQuery], responses=DisputesOut)
    def get(self, request):
        query = self.query(request)
        period = query["period"]
        report = dispute_report(start=period.start, end=period.end)
        if wants_csv(request):
            return Response(_csv_rows(report.table(query["table"])))
        return Response(DisputesOut(report).data)


class CashView(_ReportView):
    """Cash collected per ISO week (Monday first): payments by the date received less reversals by the
    date reversed; refunds of unapplied cash apart."""

    @extend_schema(parameters=[PeriodQuery], responses=CashOut)
    def get(self, request):
        period = self.query(request)["period"]
        report = cash_report(start=period.start, end=period.end)
        if wants_csv(request):
            return Response(_csv_rows(report.table()))
        return Response(CashOut(report).data)


class SalesView(_ReportView):
    """Net sales, tax and gross by month, customer or product: invoice lines by the invoice's issue date
    less credit note lines by the credit note's (credits for an amount: product null)."""

    query_class = SalesQuery

    @extend_schema(parameters=[SalesQuery], responses=SalesOut)
    def get(self, request):
        query = self.query(request)
        period = query["period"]
        report = sales_report(start=period.start, end=period.end, by=query["by"])
        if wants_csv(request):
            return Response(_csv_rows(report.table()))
        return Response(SalesOut(report).data)


urlpatterns = [
    path("reports/cycle-times/", CycleTimesView.as_view(), name="api-report-cycle-times"),
    path("reports/fulfilment/", FulfilmentView.as_view(), name="api-report-fulfilment"),
    path("reports/credit-holds/", CreditHoldsView.as_view(), name="api-report-credit-holds"),
    path("reports/disputes/", DisputesView.as_view(), name="api-report-disputes"),
    path("reports/cash/", CashView.as_view(), name="api-report-cash"),
    path("reports/sales/", SalesView.as_view(), name="api-report-sales"),
]
