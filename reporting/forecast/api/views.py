"""`GET /reports/cash-forecast/?as_of=&weeks=` (API.md, "Collections"): expected receipts per week
from the open invoices and each customer's payment behaviour, with the method; `?format=csv` gives
the weekly table. A bad parameter is a 400 naming it."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from o2c.api import wants_csv
from o2c.csv import csv_response
from reporting.api.views import _FORMAT, ReportView, _query
from reporting.forecast.api.serializers import ForecastOut, ForecastQuery
from reporting.forecast.selectors import cash_forecast


class CashForecastView(ReportView):
    @extend_schema(
        summary="Cash forecast: expected receipts per week",
        parameters=[ForecastQuery, _FORMAT],
        responses={
            200: ForecastOut,
            400: OpenApiResponse(description='a bad parameter, named: `{"weeks": […]}`'),
        },
    )
    def get(self, request):
        query = _query(ForecastQuery, request)
        forecast = cash_forecast(as_of=query["as_of"], weeks=query["weeks"])
        if wants_csv(request):
            header, rows = forecast.table()
            return csv_response(f"cash-forecast-{forecast.as_of.isoformat()}.csv", header, rows)
        return Response(ForecastOut(forecast).data)
