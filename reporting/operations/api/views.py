"""The operational report API (API.md, ledger and reports), for finance and managers:

- `GET /reports/cycle-times/?start=&end=`: order-to-cash days, total and by month;
- `GET /reports/fulfilment/?start=&end=`: order-to-ship, first-shipment fill, on-time delivery by
  month and in total; backorders now by product (`?format=csv&table=backorders` for those);
- `GET /reports/credit-holds/`: the orders on credit hold now, oldest first, with count, value and
  time on hold;
- `GET /reports/disputes/?start=&end=`: open disputes on `end` by days open, and by reason
  (`?format=csv&table=ages` for the ages);
- `GET /reports/cash/?start=&end=`: cash collected per ISO week;
- `GET /reports/sales/?start=&end=&by=month|customer|product`: net sales, tax and gross;
- `GET /reports/promises/?start=&end=`: promises to pay kept and broken, per customer and per
  collector, with the method (`?format=csv&table=collectors` for the collectors).

The period defaults to the last twelve months (see reporting.operations.period_clean); a bad one is
a 400 naming the field. Decimals are strings; `?format=csv` answers the report's table as CSV (the
same columns as the page's export).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from o2c.api import APIView, CSVRenderer, role_permission, wants_csv
from o2c.csv import CsvTable, csv_table
from o2c.roles import FINANCE
from reporting.operations.api.serializers import (
    CashOut,
    CreditHoldsOut,
    CycleTimesOut,
    DisputeQuery,
    DisputesOut,
    FulfilmentOut,
    FulfilmentQuery,
    PeriodQuery,
    PromiseQuery,
    PromisesOut,
    SalesOut,
    SalesQuery,
)
from reporting.operations.cash import cash_report
from reporting.operations.credit_holds import credit_hold_report
from reporting.operations.cycle_times import cycle_time_report
from reporting.operations.disputes import dispute_report
from reporting.operations.fulfilment import fulfilment_report
from reporting.operations.promises import promise_report
from reporting.operations.sales import sales_report


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
            return Response(_csv_rows(report.table(query["table"])))
        return Response(SalesOut(report).data)


class PromisesView(_ReportView):
    """Promises to pay settled (kept or broken) in the period, per customer, per collector (the user who
    collects from the customer) and in total: the kept rate by count and by amount, with the method."""

    query_class = PromiseQuery

    @extend_schema(parameters=[PromiseQuery], responses=PromisesOut)
    def get(self, request):
        query = self.query(request)
        report = promise_report(period=query["period"])
        if wants_csv(request):
            return Response(_csv_rows(report.table(query["table"])))
        return Response(PromisesOut(report).data)
