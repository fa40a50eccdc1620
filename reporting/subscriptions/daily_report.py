"""The daily report: the KPIs against 30 days earlier, the aging and the customers most overdue,
as an HTML e-mail (inline styles, which every mail client keeps), a plain-text alternative and
the same content as an A4 PDF attached.

`daily_report_build(as_of)` gathers the figures: the KPIs of `as_of` computed now (so that they
agree with the aging table beside them), those of 30 days earlier from that day's snapshot (one
read; computed when there is none), the aging totals and the top customers by overdue amount from
one `aging_report` query. The renderers only lay the figures out; amounts are formatted as the
documents print them (invoicing.documents).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from weasyprint import HTML

from invoicing.documents import OfflineURLFetcher, document_amount, document_date
from o2c.money import ZERO_CENTS as ZERO
from o2c.money import round_places
from receivables.open_items.selectors import BUCKET_LABELS, BUCKETS
from reporting.aging import AgingRow, aging_report
from reporting.kpis import KPIs, kpis
from reporting.snapshots import DEFAULT_DAYS, snapshot_kpis

COMPARE_DAYS = 30
TOP_CUSTOMERS = 10

# (field of KPIs, label, kind, which way is better: "lower", "higher" or "" for neither)
KPI_ROWS = (
    ("dso", "DSO", "days", "lower"),
    ("countback_dso", "DSO, count-back", "days", "lower"),
    ("cei", "Collection effectiveness (CEI)", "percent", "higher"),
    ("average_days_delinquent", "Average days delinquent", "days", "lower"),
    ("receivables", "Receivables", "money", ""),
    ("overdue", "Overdue", "money", "lower"),
    ("overdue_percent", "Overdue share", "percent", "lower"),
    ("disputed", "Disputed", "money", "lower"),
    ("unapplied", "Unapplied cash", "money", ""),
    ("credit_sales", "Credit sales", "money", "higher"),
    ("o2c_cycle_days_median", "Order-to-cash cycle, median", "days", "lower"),
    ("o2c_cycle_days_p90", "Order-to-cash cycle, 90th percentile", "days", "lower"),
    ("on_time_delivery_rate", "On-time delivery", "percent", "higher"),
    ("orders_on_hold", "Orders on credit hold", "count", "lower"),
    ("orders_on_hold_value", "Value on credit hold", "money", "lower"),
)
HEADLINES = {"dso": "DSO", "cei": "CEI", "overdue_percent": "Overdue share", "receivables": "Receivables"}
_WINDOWED = {"dso", "countback_dso", "cei", "average_days_delinquent", "credit_sales"}
_CYCLE = {"o2c_cycle_days_median", "o2c_cycle_days_p90", "on_time_delivery_rate"}

GOOD, BAD, NEUTRAL = "#15803d", "#b91c1c", "#6b7280"


@dataclass(frozen=True)
class KpiLine:
    name: str
    label: str
    note: str
    value: str
    previous: str
    change: str
    colour: str


@dataclass(frozen=True)
class AgingLine:
    label: str
    amount: str
    share: str
    bar: int  # percent of the widest bucket, for the bar drawn beside it

    @property
    def bar_rest(self) -> int:
        return 100 - self.bar

    emphasis: bool = False


@dataclass(frozen=True)
class CustomerLine:
    code: str
    name: str
    overdue: str
    buckets: list[str]
    disputed: str
    open_balance: str


@dataclass(frozen=True)
class DailyReport:
    as_of: date
    compared_with: date
    generated_at: datetime
    currency: str
    company: str
    kpis: KPIs
    previous: KPIs
    headlines: list[KpiLine]
    kpi_lines: list[KpiLine]
    aging: list[AgingLine]
    aging_total: AgingRow
    customers: list[CustomerLine]
    customers_overdue: int  # how many customers have an overdue amount at all

    @property
    def title(self) -> str:
        return f"Daily report {document_date(self.as_of)}"

    @property
    def subject(self) -> str:
        figures = [f"receivables {self._money(self.kpis.receivables)} {self.currency}"]
        if self.kpis.dso is not None:
            figures.insert(0, f"DSO {self.kpis.dso} days")
        if self.kpis.overdue_percent is not None:
            figures.append(f"{self.kpis.overdue_percent} % overdue")
        return f"{self.title}: {', '.join(figures)}"

    @staticmethod
    def _money(value: Decimal) -> str:
        return document_amount(value, settings.O2C_BASE_CURRENCY)


def _format(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "money":  # a true minus sign, as in the change column
        return document_amount(value, settings.O2C_BASE_CURRENCY).replace("-", "−")
    if kind == "days":
        return f"{value} d"
    if kind == "percent":
        return f"{value} %"
    return f"{value:,}"


def _change(value, previous, kind: str, better: str) -> tuple[str, str]:
    """The change as printed (+1.5 d, −2.0 pts, +1,200.00) and its colour."""
    if value is None or previous is None:
        return "–", NEUTRAL
    delta = value - previous
    if delta == 0:
        return "no change", NEUTRAL
    sign = "+" if delta > 0 else "−"
    size = abs(delta)
    if kind == "money":
        text = f"{sign}{document_amount(size, settings.O2C_BASE_CURRENCY)}"
    elif kind == "days":
        text = f"{sign}{size} d"
    elif kind == "percent":
        text = f"{sign}{size} pts"
    else:
        text = f"{sign}{size:,}"
    if not better:
        return text, NEUTRAL
    improved = (delta < 0) == (better == "lower")
    return text, GOOD if improved else BAD


def _kpi_lines(current: KPIs, previous: KPIs) -> list[KpiLine]:
    lines = []
    for name, label, kind, better in KPI_ROWS:
        value, before = getattr(current, name), getattr(previous, name)
        change, colour = _change(value, before, kind, better)
        note = f"last {current.days} days" if name in _WINDOWED | _CYCLE else ""
        lines.append(
            KpiLine(
                name=name,
                label=label,
                note=note,
                value=_format(value, kind),
                previous=_format(before, kind),
                change=change,
                colour=colour,
            )
        )
    return lines


def _share(part: Decimal, whole: Decimal) -> str:
    return f"{round_places(part / whole * 100, 1)} %" if whole > 0 else "–"


def _aging_lines(totals: AgingRow) -> list[AgingLine]:
    money = [(BUCKET_LABELS[bucket], getattr(totals, bucket)) for bucket in BUCKETS]
    money.append(("Disputed", totals.disputed))
    widest = max((amount for _, amount in money), default=ZERO)
    lines = [
        AgingLine(
            label=label,
            amount=_format(amount, "money"),
            share=_share(amount, totals.open_balance),
            bar=int(amount / widest * 100) if widest > 0 and amount > 0 else 0,
        )
        for label, amount in money
    ]
    lines.append(
        AgingLine(
            label="Open invoices",
            amount=_format(totals.open_balance, "money"),
            share="",
            bar=0,
            emphasis=True,
        )
    )
    lines.append(
        AgingLine(label="Less unapplied cash", amount=_format(-totals.unapplied, "money"), share="", bar=0)
    )
    lines.append(
        AgingLine(
            label="Net receivables", amount=_format(totals.total, "money"), share="", bar=0, emphasis=True
        )
    )
    return lines


def _customer_lines(rows: list[AgingRow]) -> list[CustomerLine]:
    def amount(value: Decimal) -> str:  # a wide table of mostly zeros reads better with dashes
        return _format(value, "money") if value else "–"

    return [
        CustomerLine(
            code=row.code,
            name=row.name,
            overdue=amount(row.overdue),
            buckets=[amount(getattr(row, bucket)) for bucket in BUCKETS[1:]],
            disputed=amount(row.disputed),
            open_balance=amount(row.open_balance),
        )
        for row in rows
    ]


def daily_report_build(*, as_of: date, days: int = DEFAULT_DAYS) -> DailyReport:
    """The figures of the report of `as_of` (see the module docstring)."""
    current = kpis(as_of=as_of, days=days)
    compared_with = as_of - timedelta(days=COMPARE_DAYS)
    previous = snapshot_kpis(as_of=compared_with, days=days)
    aging = aging_report(as_of=as_of, sort="code")
    overdue = sorted(
        (row for row in aging.customers if row.overdue > 0), key=lambda row: (-row.overdue, row.code)
    )
    lines = _kpi_lines(current, previous)
    by_name = {line.name: line for line in lines}
    return DailyReport(
        as_of=as_of,
        compared_with=compared_with,
        generated_at=timezone.localtime(),
        currency=settings.O2C_BASE_CURRENCY,
        company=settings.O2C_COMPANY_NAME,
        kpis=current,
        previous=previous,
        headlines=[replace(by_name[name], label=label) for name, label in HEADLINES.items()],
        kpi_lines=lines,
        aging=_aging_lines(aging.totals),
        aging_total=aging.totals,
        customers=_customer_lines(overdue[:TOP_CUSTOMERS]),
        customers_overdue=len(overdue),
    )


# --- Rendering --------------------------------------------------------------------------------

# Inline styles: mail clients drop <style> blocks and external sheets, or some of them.
_FONT = "font-family: Arial, Helvetica, sans-serif;"
_HEAD = "border-bottom: 2px solid #d1d5db; color: #374151;"
_CELL = "border-bottom: 1px solid #e5e7eb; vertical-align: top;"
_BIG, _SMALL = "padding: 6px 8px;", "padding: 5px 6px;"
_LEFT, _RIGHT = "text-align: left;", "text-align: right; white-space: nowrap;"
_TITLE = "font-weight: bold; color: #111827;"
CSS = {
    "page": f"margin: 0; padding: 0; background: #f3f4f6; {_FONT} color: #1f2328;",
    "card": "background: #ffffff; border: 1px solid #e5e7eb; border-radius: 6px;",
    "h1": f"margin: 0; font-size: 22px; line-height: 28px; {_TITLE} {_FONT}",
    "h2": f"margin: 0 0 8px 0; font-size: 15px; line-height: 20px; {_TITLE} {_FONT}",
    "muted": f"color: #6b7280; font-size: 12px; line-height: 17px; {_FONT}",
    "tile": "background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 6px; padding: 10px 12px;",
    "tile_label": f"font-size: 11px; line-height: 15px; color: #6b7280; text-transform: uppercase; {_FONT}",
    "tile_value": f"font-size: 20px; line-height: 26px; {_TITLE} {_FONT}",
    "table": "border-collapse: collapse; width: 100%;",
    "th": f"{_BIG} {_HEAD} font-size: 12px; {_LEFT} {_FONT}",
    "th_num": f"{_BIG} {_HEAD} font-size: 12px; {_RIGHT} {_FONT}",
    "td": f"{_BIG} {_CELL} font-size: 13px; {_LEFT} {_FONT}",
    "td_num": f"{_BIG} {_CELL} font-size: 13px; {_RIGHT} {_FONT}",
    "small_th": f"{_SMALL} {_HEAD} font-size: 11px; {_RIGHT} {_FONT}",
    "small": f"{_SMALL} {_CELL} font-size: 12px; {_LEFT} {_FONT}",
    "small_num": f"{_SMALL} {_CELL} font-size: 12px; {_RIGHT} {_FONT}",
    "bar_table": "border-collapse: collapse; table-layout: fixed; width: 100%;",
    "bar": "background: #2563eb; height: 10px; padding: 0; font-size: 1px; line-height: 1px;",
    "bar_rest": "background: #e5e7eb; height: 10px; padding: 0; font-size: 1px; line-height: 1px;",
}


def _context(report: DailyReport, *, recipient_name: str = "", for_pdf: bool = False) -> dict:
    return {
        "report": report,
        "css": CSS,
        "recipient_name": recipient_name,
        "as_of": dateformat.format(report.as_of, "l, j M Y"),
        "compared_with": document_date(report.compared_with),
        "generated_at": dateformat.format(report.generated_at, "j M Y, H:i"),
        "bucket_labels": [BUCKET_LABELS[bucket] for bucket in BUCKETS[1:]],
        "for_pdf": for_pdf,
    }


def daily_report_html(report: DailyReport, *, recipient_name: str = "") -> str:
    return render_to_string(
        "reporting/email/daily_report.html", _context(report, recipient_name=recipient_name)
    )


def daily_report_text(report: DailyReport, *, recipient_name: str = "") -> str:
    kpi_width = max(len(line.label) for line in report.kpi_lines)
    aging_width = max(len(line.label) for line in report.aging)
    compared = f"vs {document_date(report.compared_with)}"
    return render_to_string(
        "reporting/email/daily_report.txt",
        _context(report, recipient_name=recipient_name)
        | {
            "kpi_rows": [
                f"{line.label:<{kpi_width}}  {line.value:>16}  {line.change:>16}" for line in report.kpi_lines
            ],
            "kpi_header": f"{'':<{kpi_width}}  {document_date(report.as_of):>16}  {compared:>16}",
            "aging_rows": [
                f"{line.label:<{aging_width}}  {line.amount:>16}  {line.share:>7}" for line in report.aging
            ],
        },
    )


def daily_report_pdf(report: DailyReport) -> bytes:
    html = render_to_string("reporting/email/daily_report_pdf.html", _context(report, for_pdf=True))
    return HTML(string=html, url_fetcher=OfflineURLFetcher(), base_url="about:blank").write_pdf()


def daily_report_filename(report: DailyReport) -> str:
    return f"daily-report-{report.as_of.isoformat()}.pdf"


def daily_report_email(
    report: DailyReport, *, to: str, recipient_name: str = "", headers: dict | None = None
) -> EmailMultiAlternatives:
    """The e-mail: plain text, the HTML alternative, the PDF attached."""
    message = EmailMultiAlternatives(
        subject=report.subject,
        body=daily_report_text(report, recipient_name=recipient_name),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(daily_report_html(report, recipient_name=recipient_name), "text/html")
    message.attach(daily_report_filename(report), daily_report_pdf(report), "application/pdf")
    return message
