"""The financial report pages under /reports/ (issue 7), for finance and managers:

- `index`: every report of the project, financial and operational, the ledger's trial balance and
  journal export, with their API and CSV;
- `aging` (?as_of=&sort=&q=&page=): receivables aging per customer as of any date, sortable by any
  column (server-side), searchable by code or name, 50 customers a page, the whole total always
  shown, a stacked bar of the buckets (CSS, no JavaScript);
- `aging-customer` (?as_of=): the drill-down, one customer's invoices open on that date;
- `dso` (?as_of=&days=&cei_from=&cei_to=): standard and count-back DSO, best possible DSO,
  average days delinquent and CEI, each with the figures that went into it;
- `kpis` (?as_of=&days=): the day's key figures as tiles.

Every page answers `?format=csv` (or the house's `?export=csv`). The figures come from
reporting.aging / reporting.dso / reporting.kpis: SQL aggregates, a fixed number of queries per
page whatever the number of customers or invoices. The formulas: docs/kpi-formulas.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from customers.models import Customer
from customers.selectors import customer_get
from o2c.csv import csv_response
from o2c.forms import BootstrapForm, DateField
from o2c.money import ZERO_CENTS as ZERO
from o2c.money import round_money, round_places
from o2c.roles import FINANCE, role_required
from receivables.open_items.selectors import BUCKET_LABELS, BUCKETS
from receivables.selectors import unapplied_cash_ledger
from reporting.aging import SORTS, AgingRow, aging_invoices, aging_report
from reporting.dso import _MONTHLY_SALES, COUNTBACK_MAX_MONTHS, cei_report, dso_report, month_periods
from reporting.kpis import kpis

PAGE_SIZE = 50
DEFAULT_DAYS = 90
DAYS_MAX = 3650
# Dates the reports can compute on (a window of `days` before, a day after), well beyond any books.
AS_OF_MIN = date(1900, 1, 1)
AS_OF_MAX = date(2999, 12, 31)
DEFAULT_SORT = "-total"
TEXT_SORTS = ("code", "name")

AGING_CSV_COLUMNS = ["customer", "code", "name", *BUCKETS, "disputed", "unapplied", "total"]
AGING_INVOICE_CSV_COLUMNS = [
    "invoice",
    "number",
    "issue_date",
    "due_date",
    "days_past_due",
    "bucket",
    "currency",
    "total",
    "balance",
    "disputed",
    "undisputed",
]
AGING_COLUMNS = (
    ("code", "Code"),
    ("name", "Customer"),
    *((bucket, BUCKET_LABELS[bucket]) for bucket in BUCKETS),
    ("disputed", "Disputed"),
    ("unapplied", "Unapplied"),
    ("total", "Total"),
)


def date_validators() -> list:
    return [MinValueValidator(AS_OF_MIN), MaxValueValidator(AS_OF_MAX)]


def _date_field(label: str, **attrs) -> DateField:
    return DateField(
        required=False,
        label=label,
        validators=date_validators(),
        widget=forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d"),
    )


def _days_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=DAYS_MAX,
        label="Days",
        widget=forms.NumberInput(attrs={"class": "w-6rem", "accesskey": "y"}),
    )


class AsOfForm(BootstrapForm):
    small = True
    as_of = _date_field("As of", accesskey="d")


class AgingForm(AsOfForm):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Customer",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "code or name", "accesskey": "f", "autofocus": True}
        ),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


class AsOfFirstForm(AsOfForm):
    """The date has the focus when the page opens."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].widget.attrs["autofocus"] = True


class WindowForm(AsOfFirstForm):
    days = _days_field()


class DSOForm(WindowForm):
    cei_from = _date_field("CEI from")
    cei_to = _date_field("CEI to")

    def clean(self):
        """The CEI period defaults to the DSO window (`days` days ending on `as_of`)."""
        data = super().clean()
        as_of, days = data.get("as_of"), data.get("days")
        if as_of and days:
            data["cei_from"] = data.get("cei_from") or as_of - timedelta(days=days - 1)
            data["cei_to"] = data.get("cei_to") or as_of
        start, end = data.get("cei_from"), data.get("cei_to")
        if start and end and start > end:
            self.add_error("cei_from", "The CEI period must start on or before its last day.")
        return data


def _bound(form_class, request, **defaults):
    """The form bound to the query string, its blanks filled with `defaults` (so that the page
    shows the dates it computed on)."""
    data = request.GET.copy()
    for name, value in defaults.items():
        if not data.get(name):
            data[name] = value
    return form_class(data)


def _today() -> date:
    return timezone.localdate()


def wants_csv(request) -> bool:
    return "csv" in (request.GET.get("format"), request.GET.get("export"))


# --- index --------------------------------------------------------------------------------------


@role_required(FINANCE)
def index(request):
    return render(request, "reporting/reports/index.html", {"today": _today()})


# --- aging --------------------------------------------------------------------------------------


def aging_csv_row(row: AgingRow) -> list:
    amounts = [*row.buckets().values(), row.disputed, row.unapplied, row.total]
    return [row.customer_id, row.code, row.name, *(round_money(amount) for amount in amounts)]


def aging_rows_sum(rows: list[AgingRow], name: str) -> AgingRow:
    total = AgingRow(customer_id=None, code="", name=name, currency="")
    for row in rows:
        for field in (*BUCKETS, "disputed", "unapplied"):
            setattr(total, field, getattr(total, field) + getattr(row, field))
    return total


def _search(rows: list[AgingRow], query: str) -> list[AgingRow]:
    needle = query.strip().casefold()
    if not needle:
        return rows
    return [row for row in rows if needle in row.code.casefold() or needle in row.name.casefold()]


@dataclass(frozen=True)
class Header:
    key: str
    label: str
    next_sort: str
    aria_sort: str | None  # "ascending" / "descending" on the column the table is sorted by

    @property
    def numeric(self) -> bool:
        return self.key not in TEXT_SORTS


def _headers(sort: str) -> list[Header]:
    """Each column's header: clicking it sorts by it (amounts largest first, text A to Z first),
    clicking the sorted column again turns the order round."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    headers = []
    for name, label in AGING_COLUMNS:
        if name == key:
            next_sort, aria = (
                (name if descending else f"-{name}"),
                ("descending" if descending else "ascending"),
            )
        else:
            next_sort, aria = (name if name in TEXT_SORTS else f"-{name}"), None
        headers.append(Header(name, label, next_sort, aria))
    return headers


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    amount: Decimal
    percent: Decimal

    @property
    def width(self) -> int:
        """Whole percent for the bar's `pct-N` class (static/css/percent.css: the CSP allows no
        style attribute); a segment that is there at all shows at least 1 %."""
        return min(100, max(1, int(self.percent + Decimal("0.5"))))  # half-up, percent >= 0


def aging_segments(totals: AgingRow) -> list[Segment]:
    """The stacked bar: each bucket and the disputed part, in percent of all that is open."""
    parts = [*((bucket, BUCKET_LABELS[bucket], getattr(totals, bucket)) for bucket in BUCKETS)]
    parts.append(("disputed", "Disputed", totals.disputed))
    gross = sum((amount for _, _, amount in parts if amount > 0), ZERO)
    if gross <= 0:
        return []
    return [
        Segment(key, label, amount, round_places(amount / gross * 100, 1))
        for key, label, amount in parts
        if amount > 0
    ]


def _matching_label(count: int) -> str:
    return f"{count} matching customer{'' if count == 1 else 's'}"


def _sort_of(form: forms.Form) -> str:
    sort = form.cleaned_data.get("sort") or DEFAULT_SORT
    return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT


@role_required(FINANCE)
def aging(request):
    form = _bound(AgingForm, request, as_of=_today().isoformat())
    if not form.is_valid():
        return render(request, "reporting/reports/aging.html", {"form": form}, status=400)
    as_of, query, sort = form.cleaned_data["as_of"], form.cleaned_data["q"], _sort_of(form)
    report = aging_report(as_of=as_of, sort=sort)
    rows = _search(report.customers, query)
    if wants_csv(request):
        return csv_response(f"aging-{as_of.isoformat()}.csv", AGING_CSV_COLUMNS, map(aging_csv_row, rows))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "as_of": as_of,
        "query": query,
        "sort": sort,
        "headers": _headers(sort),
        "page": page,
        "totals": report.totals,
        "customer_count": len(report.customers),
        "matching": aging_rows_sum(rows, _matching_label(len(rows))) if query.strip() else None,
        "segments": aging_segments(report.totals),
    }
    return render(request, "reporting/reports/aging.html", context)


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return customer_get(customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404("no such customer") from None


@role_required(FINANCE)
def aging_customer(request, customer_id: int):
    customer = _customer_or_404(customer_id)
    form = _bound(AsOfFirstForm, request, as_of=_today().isoformat())
    context = {"form": form, "customer": customer}
    if not form.is_valid():
        return render(request, "reporting/reports/aging_customer.html", context, status=400)
    as_of = form.cleaned_data["as_of"]
    invoices = aging_invoices(as_of=as_of, customer_id=customer.pk)
    if wants_csv(request):
        return csv_response(
            f"aging-{customer.code}-{as_of.isoformat()}.csv",
            AGING_INVOICE_CSV_COLUMNS,
            (
                [
                    item.invoice_id,
                    item.number,
                    item.issue_date,
                    item.due_date,
                    item.days_past_due,
                    item.bucket,
                    item.currency,
                    *(round_money(amount) for amount in (item.total, item.balance, item.disputed)),
                    round_money(item.balance - item.disputed),
                ]
                for item in invoices
            ),
        )
    # The customer's row of the aging, from the invoices just read and its unapplied cash then.
    summary = AgingRow(
        customer_id=customer.pk,
        code=customer.code,
        name=customer.name,
        currency=customer.currency,
        unapplied=unapplied_cash_ledger(customer_ids=[customer.pk], as_of=as_of),
    )
    for item in invoices:
        setattr(summary, item.bucket, getattr(summary, item.bucket) + item.balance - item.disputed)
        summary.disputed += item.disputed
    context |= {
        "as_of": as_of,
        "summary": summary,
        "summary_buckets": [(key, BUCKET_LABELS[key], value) for key, value in summary.buckets().items()],
        "invoice_count": len(invoices),
        "balance_total": sum((item.balance for item in invoices), ZERO),
        "page": Paginator([(item, BUCKET_LABELS[item.bucket]) for item in invoices], PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "segments": aging_segments(summary),
    }
    return render(request, "reporting/reports/aging_customer.html", context)


# --- DSO, CEI -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountbackMonth:
    start: date
    end: date
    credit_sales: Decimal
    receivables_before: Decimal  # what was still to be covered when the walk reached this month
    days: Decimal  # the days it adds to the count-back DSO

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole(self) -> bool:
        return self.days == self.length


def countback_months(*, as_of: date, receivables: Decimal) -> list[CountbackMonth]:
    """The count-back walk of reporting.dso.countback_dso, month by month, so that the page can
    show it: one query for the months' credit sales."""
    if receivables <= 0:
        return []
    periods = month_periods(as_of, 0, COUNTBACK_MAX_MONTHS)
    with connection.cursor() as cursor:
        cursor.execute(
            _MONTHLY_SALES,
            {
                "ks": [p[0] for p in periods],
                "starts": [p[1] for p in periods],
                "ends": [p[2] for p in periods],
            },
        )
        sales = dict(cursor.fetchall())
    months, left = [], receivables
    for k, start, end in periods:
        length = Decimal((end - start).days + 1)
        month_sales = sales[k]
        if month_sales > 0 and left <= month_sales:
            months.append(CountbackMonth(start, end, month_sales, left, left / month_sales * length))
            break
        months.append(CountbackMonth(start, end, month_sales, left, length))
        if month_sales > 0:
            left -= month_sales
    return months


@role_required(FINANCE)
def dso(request):
    today = _today()
    form = _bound(DSOForm, request, as_of=today.isoformat(), days=str(DEFAULT_DAYS))
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
                ["standard_dso", _blank(figures.standard_dso)],
                ["countback_dso", _blank(figures.countback_dso)],
                ["best_possible_dso", _blank(figures.best_possible_dso)],
                ["average_days_delinquent", _blank(figures.average_days_delinquent)],
                ["cei_from", cei.start],
                ["cei_to", cei.end],
                ["cei_beginning_receivables", cei.beginning_receivables],
                ["cei_credit_sales", cei.credit_sales],
                ["cei_ending_receivables", cei.ending_receivables],
                ["cei_ending_current", cei.ending_current],
                ["cei", _blank(cei.cei)],
            ],
        )
    months = countback_months(as_of=as_of, receivables=figures.receivables)
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


def _blank(value):
    return "" if value is None else value


# --- KPIs ---------------------------------------------------------------------------------------


@role_required(FINANCE)
def kpi_page(request):
    form = _bound(WindowForm, request, as_of=_today().isoformat(), days=str(DEFAULT_DAYS))
    if not form.is_valid():
        return render(request, "reporting/reports/kpis.html", {"form": form}, status=400)
    as_of, days = form.cleaned_data["as_of"], form.cleaned_data["days"]
    figures = kpis(as_of=as_of, days=days)
    if wants_csv(request):
        return csv_response(
            f"kpis-{as_of.isoformat()}.csv",
            ["figure", "value"],
            ([name, _blank(value)] for name, value in figures.as_dict().items()),
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


urlpatterns = [
    path("", index, name="index"),
    path("aging/", aging, name="aging"),
    path("aging/customers/<int:customer_id>/", aging_customer, name="aging-customer"),
    path("dso/", dso, name="dso"),
    path("kpis/", kpi_page, name="kpis"),
]
