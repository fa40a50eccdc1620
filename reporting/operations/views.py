"""The operational report pages under /reports/ (issue 7), for finance and managers:

- `cycle-times` (?start=&end=): order-to-cash days (order date → fully paid), median, p90 and
  average, by month of payment, with a line chart;
- `fulfilment` (?start=&end=): order-to-ship days, first-shipment fill rate (orders and quantity),
  on-time delivery by month, with a chart; the backorders as they stand, by product;
- `credit-holds`: the orders on credit hold now, oldest first: count, value, time on hold;
- `disputes` (?start=&end=): open disputes by days open on the last day, and per reason those
  opened, resolved (by outcome) and still open;
- `cash` (?start=&end=): cash collected per ISO week, reversals by their own date, refunds apart;
- `sales` (?start=&end=&by=month|customer|product): net sales, tax and gross;
- `promises` (?start=&end=): promises to pay kept and broken, per customer and per collector.

The period defaults to the last twelve months. Every table answers `?format=csv` (or the house's
`?export=csv`; `&table=` picks one where a page has two). The figures come from
reporting.operations (one module per report): SQL aggregates, a fixed number of queries per page.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from o2c.csv import csv_response
from o2c.errors import DomainError
from o2c.forms import BootstrapForm, DateField
from o2c.roles import FINANCE, role_required
from reporting import charts
from reporting.operations.cash import cash_report
from reporting.operations.credit_holds import credit_hold_report
from reporting.operations.cycle_times import cycle_time_report
from reporting.operations.disputes import dispute_report
from reporting.operations.fulfilment import fulfilment_report
from reporting.operations.period import Period, month_label, period_clean, period_default
from reporting.operations.promises import promise_report
from reporting.operations.sales import NOT_BY_PRODUCT, SALES_VIEWS, sales_report

PAGE_SIZE = 100
TOP = 10  # bars in the customer and product rankings
WIDE, HALF = 960, 560  # chart widths (px at most) across the page and in half of it
SALES_VIEW_LABELS = {"month": "By month", "customer": "By customer", "product": "By product"}
REPORTS = (  # the tabs across the operational reports
    ("reporting:cycle-times", "Cycle times"),
    ("reporting:fulfilment", "Fulfilment"),
    ("reporting:credit-holds", "Credit holds"),
    ("reporting:disputes", "Disputes"),
    ("reporting:cash", "Cash collected"),
    ("reporting:sales", "Sales"),
    ("reporting:promises", "Promises kept"),
)


class PeriodForm(BootstrapForm):
    small = True
    start = DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date", "accesskey": "f"})
    )
    end = DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))


def _wants_csv(request) -> bool:
    return "csv" in (request.GET.get("format"), request.GET.get("export"))


def _presets(today) -> list[tuple[str, Period]]:
    first = today.replace(day=1)
    quarter = first - relativedelta(months=(first.month - 1) % 3)
    return [
        ("Last 12 months", period_default(today=today)),
        ("This year", Period(today.replace(month=1, day=1), today)),
        ("Last year", Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))),
        ("Last quarter", Period(quarter - relativedelta(months=3), quarter - relativedelta(days=1))),
        ("Last 30 days", Period(today - relativedelta(days=29), today)),
    ]


def _period(request) -> tuple[Period | None, PeriodForm]:
    """The period of the query string (the last twelve months by default) and the bound form; no
    period when the input is refused (the form then carries the message)."""
    today = timezone.localdate()
    default = period_default(today=today)
    data = request.GET.copy()
    if not data.get("start") and not data.get("end"):
        data["start"], data["end"] = default.start.isoformat(), default.end.isoformat()
    form = PeriodForm(data)
    if not form.is_valid():
        return None, form
    try:
        period = period_clean(start=form.cleaned_data["start"], end=form.cleaned_data["end"], today=today)
    except DomainError as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        if refusal.field in form.fields:
            form.fields[refusal.field].widget.attrs["class"] += " is-invalid"
        return None, form
    return period, form


def _page(request, template: str, context: dict, period: Period | None, form: PeriodForm):
    context = {
        **context,
        "title": dict(REPORTS)[request.resolver_match.view_name],
        "form": form,
        "period": period,
        "presets": _presets(timezone.localdate()),
        "reports": REPORTS,
    }
    return render(request, f"reporting/operations/{template}", context, status=200 if period else 400)


def _csv(name: str, table: tuple[list[str], list[list]]):
    header, rows = table
    return csv_response(name, header, rows)


def _figure(value, unit: str = "") -> str:
    """A key figure for a tile: thousands separated, "–" when there is none."""
    if value is None:
        return "–"
    return f"{value:,}{unit}"


def _kpi(label: str, value, testid: str, *, unit: str = "", note: str = "") -> dict:
    return {"label": label, "value": _figure(value, unit), "note": note, "testid": testid}


@role_required(FINANCE)
def cycle_times(request):
    period, form = _period(request)
    if period is None:
        return _page(request, "cycle_times.html", {}, None, form)
    report = cycle_time_report(start=period.start, end=period.end)
    if _wants_csv(request):
        return _csv(f"cycle-times-{period.slug}.csv", report.table())
    chart = charts.line_chart(
        title="Order to cash, days, by month paid",
        categories=[month_label(row.month, style="long") for row in report.months],
        series=[
            charts.Series("Median", [row.median_days for row in report.months]),
            charts.Series("p90", [row.p90_days for row in report.months]),
        ],
        unit="days",
        chart_id="cycle-chart",
        width=WIDE,
        empty_text="No order was fully paid in this period",
    )
    total = report.total
    kpis = [
        _kpi("Orders fully paid", total.count, "kpi-orders"),
        _kpi("Median", total.median_days, "kpi-median", unit=" d", note="order date → fully paid"),
        _kpi("p90", total.p90_days, "kpi-p90", unit=" d", note="9 in 10 orders within"),
        _kpi("Average", total.average_days, "kpi-average", unit=" d"),
    ]
    context = {"report": report, "chart": chart, "kpis": kpis}
    return _page(request, "cycle_times.html", context, period, form)


@role_required(FINANCE)
def fulfilment(request):
    period, form = _period(request)
    if period is None:
        return _page(request, "fulfilment.html", {}, None, form)
    report = fulfilment_report(start=period.start, end=period.end)
    if _wants_csv(request):
        table = request.GET.get("table", "months")
        table = table if table in report.TABLES else "months"
        return _csv(f"fulfilment-{table}-{period.slug}.csv", report.table(table))
    labels = [month_label(row.month, style="long") for row in report.months]
    rates = charts.line_chart(
        title="On-time delivery and first-shipment fill, % by month",
        categories=labels,
        series=[
            charts.Series("On time", [row.on_time_rate for row in report.months]),
            charts.Series("Orders filled", [row.order_fill_rate for row in report.months]),
            charts.Series("Quantity filled", [row.line_fill_rate for row in report.months]),
        ],
        unit="%",
        chart_id="fulfilment-chart",
        width=HALF,
        empty_text="Nothing shipped or delivered in this period",
    )
    ship = charts.line_chart(
        title="Order to first shipment, days, by month shipped",
        categories=labels,
        series=[
            charts.Series("Median", [row.ship.median_days for row in report.months]),
            charts.Series("p90", [row.ship.p90_days for row in report.months]),
        ],
        unit="days",
        chart_id="ship-chart",
        width=HALF,
        empty_text="Nothing shipped in this period",
    )
    total, backorders = report.total, report.backorder_total
    kpis = [
        _kpi(
            "Order to ship, median",
            total.ship.median_days,
            "kpi-ship",
            unit=" d",
            note=f"p90 {_figure(total.ship.p90_days, ' d')}, {total.ship.count} orders",
        ),
        _kpi(
            "On-time delivery",
            total.on_time_rate,
            "kpi-on-time",
            unit=" %",
            note=f"{total.on_time} of {total.deliveries} with a promised date",
        ),
        _kpi(
            "Orders filled by the first shipment",
            total.order_fill_rate,
            "kpi-order-fill",
            unit=" %",
            note=f"{total.orders_complete} of {total.orders_shipped}",
        ),
        _kpi("Quantity in the first shipment", total.line_fill_rate, "kpi-line-fill", unit=" %"),
        _kpi(
            "Backorder value now",
            backorders.value,
            "kpi-backorders",
            note=f"{backorders.orders} open order{'s' if backorders.orders != 1 else ''}",
        ),
    ]
    context = {"report": report, "rates_chart": rates, "ship_chart": ship, "kpis": kpis}
    return _page(request, "fulfilment.html", context, period, form)


@role_required(FINANCE)
def credit_holds(request):
    report = credit_hold_report()
    if _wants_csv(request):
        return _csv(f"credit-holds-{timezone.localdate().isoformat()}.csv", report.table())
    page = Paginator(report.orders, PAGE_SIZE).get_page(request.GET.get("page"))
    kpis = [
        _kpi("Orders on hold", report.count, "kpi-holds"),
        _kpi("Their value", report.value, "kpi-holds-value"),
        _kpi("Average time on hold", report.average_days_on_hold, "kpi-holds-average", unit=" d"),
        _kpi("Longest", report.max_days_on_hold, "kpi-holds-max", unit=" d"),
    ]
    context = {"report": report, "page": page, "kpis": kpis, "reports": REPORTS, "title": "Credit holds"}
    return render(request, "reporting/operations/credit_holds.html", context)


@role_required(FINANCE)
def disputes(request):
    period, form = _period(request)
    if period is None:
        return _page(request, "disputes.html", {}, None, form)
    report = dispute_report(start=period.start, end=period.end)
    if _wants_csv(request):
        table = request.GET.get("table", "reasons")
        table = table if table in report.TABLES else "reasons"
        return _csv(f"disputes-{table}-{period.slug}.csv", report.table(table))
    chart = charts.bar_chart(
        title=f"Open disputes on {period.end.isoformat()}, amount by days open",
        categories=[row.label for row in report.ages],
        values=[row.amount for row in report.ages],
        chart_id="dispute-chart",
        width=HALF,
        height=240,
    )
    return _page(request, "disputes.html", {"report": report, "chart": chart}, period, form)


@role_required(FINANCE)
def cash(request):
    period, form = _period(request)
    if period is None:
        return _page(request, "cash.html", {}, None, form)
    report = cash_report(start=period.start, end=period.end)
    if _wants_csv(request):
        return _csv(f"cash-collected-{period.slug}.csv", report.table())
    chart = charts.bar_chart(
        title="Net cash collected per week (received less reversed)",
        categories=[week.week_start.strftime("%d %b") for week in report.weeks],
        values=[week.net_collected for week in report.weeks],
        chart_id="cash-chart",
        width=WIDE,
    )
    total = report.total
    kpis = [
        _kpi("Received", total.received, "kpi-received", note=f"{total.payments} payments"),
        _kpi("Reversed", total.reversed, "kpi-reversed", note=f"{total.reversals} bounced"),
        _kpi("Net collected", total.net_collected, "kpi-net"),
        _kpi("Refunded", total.refunds, "kpi-refunds", note="unapplied cash paid back"),
    ]
    context = {"report": report, "chart": chart, "kpis": kpis}
    return _page(request, "cash.html", context, period, form)


@role_required(FINANCE)
def sales(request):
    period, form = _period(request)
    by = request.GET.get("by", "month")
    by = by if by in SALES_VIEWS else "month"
    context = {"by": by, "views": SALES_VIEW_LABELS}
    if period is None:
        return _page(request, "sales.html", context, None, form)
    report = sales_report(start=period.start, end=period.end, by=by)
    if _wants_csv(request):
        if request.GET.get("table") == "quotations":
            return _csv(f"quotations-{period.slug}.csv", report.table("quotations"))
        return _csv(f"sales-by-{by}-{period.slug}.csv", report.table())
    if by == "month":
        chart = charts.bar_chart(
            title="Net sales by month",
            categories=[month_label(row.month, style="long") for row in report.rows],
            values=[row.net_sales for row in report.rows],
            chart_id="sales-chart",
            width=WIDE,
        )
    else:
        top = report.rows[:TOP]
        chart = charts.bar_chart(
            title=f"Net sales, top {len(top)} {'customers' if by == 'customer' else 'products'}",
            categories=[f"{row.code} {row.name}".strip() for row in top],
            values=[row.net_sales for row in top],
            horizontal=True,
            chart_id="sales-chart",
            width=WIDE,
        )
    page = Paginator(report.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    total = report.total
    kpis = [
        _kpi("Net sales", total.net_sales, "kpi-net-sales", note=f"invoiced {_figure(total.invoiced)}"),
        _kpi("Credited", total.credited, "kpi-credited", note="net of tax"),
        _kpi("Tax", total.tax, "kpi-tax"),
        _kpi("Gross", total.gross, "kpi-gross"),
    ]
    quoted = report.quotations or {}
    kpis += [
        _kpi(
            "Quotations converted",
            quoted.get("conversion_rate"),
            "kpi-quote-conversion",
            unit=" %",
            note=f"{quoted.get('accepted_count', 0)} of {quoted.get('quoted_count', 0)} quoted became orders",
        ),
        _kpi(
            "Quoted value won",
            quoted.get("accepted_value"),
            "kpi-quote-value",
            note=f"{_figure(quoted.get('value_conversion_rate'), ' %')} of {_figure(quoted.get('quoted_value'))} quoted",
        ),
    ]
    context |= {
        "report": report,
        "chart": chart,
        "page": page,
        "kpis": kpis,
        "not_by_product": NOT_BY_PRODUCT,
    }
    return _page(request, "sales.html", context, period, form)


@role_required(FINANCE)
def promises(request):
    period, form = _period(request)
    if period is None:
        return _page(request, "promises.html", {}, None, form)
    report = promise_report(period=period)
    if _wants_csv(request):
        table = request.GET.get("table", "customers")
        table = table if table in report.TABLES else "customers"
        return _csv(f"promises-by-{table[:-1]}-{period.slug}.csv", report.table(table))
    total = report.total
    kpis = [
        _kpi("Promises settled", total.settled, "kpi-promises", note=f"{total.kept} kept, {total.broken} broken"),
        _kpi("Kept rate", total.kept_rate, "kpi-kept-rate", unit=" %", note="kept ÷ settled"),
        _kpi("Amount kept rate", total.amount_kept_rate, "kpi-amount-kept-rate", unit=" %",
             note=f"{_figure(total.amount_kept)} of {_figure(total.amount_promised)} promised"),
    ]  # fmt: skip
    customers = Paginator(report.customers, PAGE_SIZE).get_page(request.GET.get("page"))
    tables = [
        ("customer", customers, "customers", "promises-customers"),
        ("collector", report.collectors, "collectors", "promises-collectors"),
    ]
    return _page(request, "promises.html", {"report": report, "kpis": kpis, "tables": tables}, period, form)
