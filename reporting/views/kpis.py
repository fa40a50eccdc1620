"""The KPI page: the day's key figures as tiles."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render

from o2c.csv import csv_response
from o2c.roles import FINANCE, role_required
from reporting.forms import DEFAULT_DAYS, WindowForm, form_bound
from reporting.kpis import kpis
from reporting.views import blank, local_today, wants_csv

# --- KPIs ---------------------------------------------------------------------------------------


@role_required(FINANCE)
def kpi_page(request):
    form = form_bound(WindowForm, request, as_of=local_today().isoformat(), days=str(DEFAULT_DAYS))
    if not form.is_valid():
        return render(request, "reporting/reports/kpis.html", {"form": form}, status=400)
    as_of, days = form.cleaned_data["as_of"], form.cleaned_data["days"]
    figures = kpis(as_of=as_of, days=days)
    if wants_csv(request):
        return csv_response(
            f"kpis-{as_of.isoformat()}.csv",
            ["figure", "value"],
            ([name, blank(value)] for name, value in figures.as_dict().items()),
        )
    return render(
        request,
        "reporting/reports/kpis.html",
        {
            "form": form,
            "figures": figures,
            "window_start": as_of - timedelta(days=days - 1),
            "overdue_note": ""
            if figures.overdue_percent is None
            else f"{figures.overdue_percent} % of receivables",
            "cycle_note": ""
            if figures.o2c_cycle_days_p90 is None
            else f"p90 {figures.o2c_cycle_days_p90} days",
        },
    )
