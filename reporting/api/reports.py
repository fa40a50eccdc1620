"""The financial report API (API.md, "Ledger and reports"), for finance and managers:

- `GET /reports/aging/?as_of=&sort=`: the buckets, disputed, unapplied and total as of `as_of`
  (default today), and one row per customer;
- `GET /reports/dso/?as_of=&days=`: standard and count-back DSO over the `days` (default 90) days
  ending on `as_of`, with best possible DSO, average days delinquent and the figures used;
- `GET /reports/kpis/?as_of=&days=`: the day's key figures.

Each answers `?format=csv` (the aging: one line per customer; DSO and KPIs: one line). A bad
parameter is a 400 naming it, as JSON whatever the format asked for. Formulas:
docs/kpi-formulas.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from o2c.api import APIView, CSVRenderer, role_permission, wants_csv
from o2c.api_fields import DateField
from o2c.csv import csv_response
from o2c.roles import FINANCE
from reporting.aging import SORTS, aging_report
from reporting.dso import dso_report
from reporting.kpis import kpis
from reporting.pages_reports import (
    AGING_CSV_COLUMNS,
    DAYS_MAX,
    DEFAULT_DAYS,
    DEFAULT_SORT,
    aging_csv_row,
    date_validators,
)

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


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = dict(query.validated_data)
    data.setdefault("as_of", timezone.localdate())
    return data


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


# --- views --------------------------------------------------------------------------------------

_FORMAT = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"], description="`csv` for a CSV file (default JSON)"
)
_BAD_PARAMETER = OpenApiResponse(description='a bad parameter, named: `{"as_of": ["Enter a valid date…"]}`')


class ReportView(APIView):
    permission_classes = [role_permission(FINANCE)]
    renderer_classes = [JSONRenderer, CSVRenderer]

    def handle_exception(self, exc):
        # an error reads best as JSON, whatever format was asked for
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class AgingView(ReportView):
    @extend_schema(
        summary="Receivables aging as of a date",
        parameters=[AgingQuery, _FORMAT],
        responses={200: AgingOut, 400: _BAD_PARAMETER},
    )
    def get(self, request):
        query = _query(AgingQuery, request)
        report = aging_report(as_of=query["as_of"], sort=query["sort"])
        if wants_csv(request):
            return csv_response(
                f"aging-{report.as_of.isoformat()}.csv",
                AGING_CSV_COLUMNS,
                map(aging_csv_row, report.customers),
            )
        return Response(AgingOut(report).data)


class DSOView(ReportView):
    @extend_schema(
        summary="Days sales outstanding (standard and count-back)",
        parameters=[WindowQuery, _FORMAT],
        responses={200: DSOOut, 400: _BAD_PARAMETER},
    )
    def get(self, request):
        query = _query(WindowQuery, request)
        figures = dso_report(as_of=query["as_of"], days=query["days"])
        data = DSOOut(
            {
                "as_of": figures.as_of,
                "days": figures.days,
                "period_start": figures.as_of - timedelta(days=figures.days - 1),
                "standard_dso": figures.standard_dso,
                "countback_dso": figures.countback_dso,
                "best_possible_dso": figures.best_possible_dso,
                "average_days_delinquent": figures.average_days_delinquent,
                "receivables": figures.receivables,
                "current_receivables": figures.current_receivables,
                "credit_sales": figures.credit_sales,
            }
        ).data
        return _one_line(request, data, f"dso-{figures.as_of.isoformat()}.csv")


class KPIsView(ReportView):
    @extend_schema(
        summary="Key figures on a date",
        parameters=[WindowQuery, _FORMAT],
        responses={200: KPIsOut, 400: _BAD_PARAMETER},
    )
    def get(self, request):
        query = _query(WindowQuery, request)
        figures = kpis(as_of=query["as_of"], days=query["days"])
        data = KPIsOut(figures.as_dict()).data
        return _one_line(request, data, f"kpis-{figures.as_of.isoformat()}.csv")


def _one_line(request, data: dict, filename: str):
    if wants_csv(request):
        return csv_response(
            filename, list(data), [["" if value is None else value for value in data.values()]]
        )
    return Response(data)


urlpatterns = [
    path("reports/aging/", AgingView.as_view(), name="api-report-aging"),
    path("reports/dso/", DSOView.as_view(), name="api-report-dso"),
    path("reports/kpis/", KPIsView.as_view(), name="api-report-kpis"),
]
