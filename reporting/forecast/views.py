"""The cash forecast page (/reports/cash-forecast/?as_of=&weeks=), for finance and managers:
expected receipts per week with their range, the promised and disputed amounts apart, the naive
"due date" figures beside them, two server-side SVG charts (reporting.charts), the open promises
counted, the method in words, and `?format=csv` (or `?export=csv`) for the weekly table."""

from __future__ import annotations

from django.shortcuts import render

from o2c.csv import csv_response
from o2c.money import ZERO_CENTS
from o2c.roles import FINANCE, role_required
from reporting import charts
from reporting.forecast.selectors import SOURCE_LABELS, WEEKS, cash_forecast
from reporting.forms import ForecastForm, form_bound
from reporting.views import local_today, wants_csv

WIDE = 960


def _charts(forecast):
    labels = [f"{week.label} {week.start:%d %b}" for week in forecast.weeks]
    bars = charts.stacked_bar_chart(
        title="Expected receipts per week",
        categories=labels,
        series=[
            charts.Series("By payment behaviour", [week.behaviour for week in forecast.weeks]),
            charts.Series("Promised (× kept rate)", [week.promised for week in forecast.weeks]),
        ],
        chart_id="forecast-chart",
        width=WIDE,
        empty_text="No open invoice to forecast",
    )
    lines = charts.line_chart(
        title="Range (80 %) and the naive forecast",
        categories=labels,
        series=[
            charts.Series("High", [week.high for week in forecast.weeks]),
            charts.Series("Expected", [week.expected for week in forecast.weeks]),
            charts.Series("Low", [week.low for week in forecast.weeks]),
            charts.Series("Naive: on the due date", [week.naive for week in forecast.weeks]),
        ],
        chart_id="forecast-range-chart",
        value_labels=False,
        width=WIDE,
        empty_text="No open invoice to forecast",
    )
    return bars, lines


@role_required(FINANCE)
def cash_forecast_page(request):
    form = form_bound(ForecastForm, request, as_of=local_today().isoformat(), weeks=str(WEEKS))
    if not form.is_valid():
        return render(request, "reporting/reports/cash_forecast.html", {"form": form}, status=400)
    as_of, weeks = form.cleaned_data["as_of"], form.cleaned_data["weeks"]
    forecast = cash_forecast(as_of=as_of, weeks=weeks)
    if wants_csv(request):
        header, rows = forecast.table()
        return csv_response(f"cash-forecast-{as_of.isoformat()}.csv", header, rows)
    bars, lines = _charts(forecast)
    sources = [
        (SOURCE_LABELS[key], amount) for key, amount in forecast.by_source.items() if key in SOURCE_LABELS
    ]
    context = {
        "form": form,
        "forecast": forecast,
        "chart": bars,
        "range_chart": lines,
        "sources": sources,
        "promised_total": sum((promise.expected for promise in forecast.promises), ZERO_CENTS),
        "range_text": f"{forecast.total.low:,} – {forecast.total.high:,}",
    }
    return render(request, "reporting/reports/cash_forecast.html", context)
