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

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from o2c.api import APIView, CSVRenderer, role_permission, wants_csv
from o2c.csv import csv_response
from o2c.roles import FINANCE
from reporting.aging import AGING_CSV_COLUMNS, aging_csv_row, aging_report
from reporting.api.serializers import (
    AgingOut,
    AgingQuery,
    DSOOut,
    KPIsOut,
    VatOut,
    VatQuery,
    WindowQuery,
)
from reporting.dso import dso_report
from reporting.kpis import kpis
from reporting.vat import vat_report


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = dict(query.validated_data)
    data.setdefault("as_of", timezone.localdate())
    return data


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


# `GET /reports/vat/?from=&to=` (API.md, "Commercial documents"): output tax by rate, invoices,
# credit notes and cash discounts apart, with the reconciliation to the VAT payable account
# (decision 0057). `?format=csv` gives the report's table.
class VatView(ReportView):
    @extend_schema(
        summary="VAT report: output tax by rate, reconciled with the ledger",
        parameters=[VatQuery, _FORMAT],
        responses={200: VatOut, 400: OpenApiResponse(description='a bad parameter, named: `{"from": […]}`')},
    )
    def get(self, request):
        query = VatQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = vat_report(date_from=query.validated_data["from"], date_to=query.validated_data["to"])
        if wants_csv(request):
            header, rows = report.table()
            return csv_response(f"vat-{report.date_from}_{report.date_to}.csv", header, rows)
        return Response(VatOut(report).data)
