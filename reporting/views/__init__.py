"""The financial report pages under /reports/ (issue 7), for finance and managers, one module per
report:

- `index` (here): every report of the project, financial and operational, the ledger's trial
  balance and journal export, with their API and CSV;
- aging.py: `aging` (?as_of=&sort=&q=&page=): receivables aging per customer as of any date,
  sortable by any column (server-side), searchable by code or name, 50 customers a page, the whole
  total always shown, a stacked bar of the buckets (CSS, no JavaScript); `aging-customer`
  (?as_of=): the drill-down, one customer's invoices open on that date;
- dso.py: `dso` (?as_of=&days=&cei_from=&cei_to=): standard and count-back DSO, best possible DSO,
  average days delinquent and CEI, each with the figures that went into it;
- kpis.py: `kpis` (?as_of=&days=): the day's key figures as tiles.

Every page answers `?format=csv` (or the house's `?export=csv`). The figures come from
reporting.aging / reporting.dso / reporting.kpis: SQL aggregates, a fixed number of queries per
page whatever the number of customers or invoices. The formulas: docs/kpi-formulas.md.
The operational reports' pages are in reporting/operations, the subscription's in
reporting/subscriptions.
"""

from __future__ import annotations

from datetime import date

from django.shortcuts import render
from django.utils import timezone

from o2c.roles import FINANCE, role_required

PAGE_SIZE = 50


def local_today() -> date:
    return timezone.localdate()


def wants_csv(request) -> bool:
    return "csv" in (request.GET.get("format"), request.GET.get("export"))


def blank(value):
    return "" if value is None else value


@role_required(FINANCE)
def index(request):
    return render(request, "reporting/reports/index.html", {"today": local_today()})
