"""The aging pages: per customer as of a date, and one customer's open invoices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from customers.selectors import customer_get
from o2c.csv import csv_response
from o2c.money import ZERO_CENTS as ZERO
from o2c.money import round_money, round_places
from o2c.roles import FINANCE, role_required
from receivables.open_items.selectors import BUCKET_LABELS, BUCKETS
from receivables.selectors import unapplied_cash_ledger
from reporting.aging import AGING_CSV_COLUMNS, SORTS, AgingRow, aging_csv_row, aging_invoices, aging_report
from reporting.forms import DEFAULT_SORT, AgingForm, AsOfFirstForm, form_bound
from reporting.views import PAGE_SIZE, local_today, wants_csv

if TYPE_CHECKING:
    from customers.models import Customer

TEXT_SORTS = ("code", "name")
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
    form = form_bound(AgingForm, request, as_of=local_today().isoformat())
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
    except ObjectDoesNotExist:
        raise Http404("no such customer") from None


@role_required(FINANCE)
def aging_customer(request, customer_id: int):
    customer = _customer_or_404(customer_id)
    form = form_bound(AsOfFirstForm, request, as_of=local_today().isoformat())
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
