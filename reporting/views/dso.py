"""The DSO page: standard and count-back DSO, best possible DSO, average days delinquent, CEI."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render

from o2c.csv import csv_response
from o2c.roles import FINANCE, role_required
from reporting.dso import COUNTBACK_MAX_MONTHS, cei_report, countback_walk, dso_report
from reporting.forms import DEFAULT_DAYS, DSOForm, form_bound
from reporting.views import blank, local_today, wants_csv

# --- DSO, CEI -----------------------------------------------------------------------------------


@role_required(FINANCE)
def dso(request):
    today = local_today()
    form = form_bound(DSOForm, request, as_of=today.isoformat(), days=str(DEFAULT_DAYS))
    if not form.is_valid():
        return render(request, "reporting/reports/dso.html", {"form": form}, status=400)
    as_of, days = form.cleaned_data["as_of"], form.cleaned_data["days"]
    window_start = as_of - timedelta(days=days - 1)
    figures = dso_report(as_of=as_of, days=days)
    cei = cei_report(start=form.cleaned_data["cei_from"], end=form.cleaned_data["cei_to"])
    if wants_csv(request):
        return csv_response(
            f"dso-{as_of.isoformat()}.csv",
            ["figure", "value"],
            [
                ["as_of", as_of],
                ["days", days],
                ["period_start", window_start],
                ["receivables", figures.receivables],
                ["current_receivables", figures.current_receivables],
                ["credit_sales", figures.credit_sales],
                ["standard_dso", blank(figures.standard_dso)],
                ["countback_dso", blank(figures.countback_dso)],
                ["best_possible_dso", blank(figures.best_possible_dso)],
                ["average_days_delinquent", blank(figures.average_days_delinquent)],
                ["cei_from", cei.start],
                ["cei_to", cei.end],
                ["cei_beginning_receivables", cei.beginning_receivables],
                ["cei_credit_sales", cei.credit_sales],
                ["cei_ending_receivables", cei.ending_receivables],
                ["cei_ending_current", cei.ending_current],
                ["cei", blank(cei.cei)],
            ],
        )
    # the walk of the count-back DSO, month by month, its months' sales in one query
    months = countback_walk(as_of=as_of, receivables=figures.receivables, batch_months=COUNTBACK_MAX_MONTHS)
    context = {
        "form": form,
        "figures": figures,
        "window_start": window_start,
        "months": months,
        "cei": cei,
        "cei_collected": cei.beginning_receivables + cei.credit_sales - cei.ending_receivables,
        "cei_collectible": cei.beginning_receivables + cei.credit_sales - cei.ending_current,
        "cei_beginning_on": cei.start - timedelta(days=1),
        "cei_is_window": (cei.start, cei.end) == (window_start, as_of),
    }
    return render(request, "reporting/reports/dso.html", context)
