"""Operational reports (issue 7): order-to-cash cycle time, fulfilment (order-to-ship, on-time
delivery, first-shipment fill rate, backorders), the credit-hold queue, disputes by age and reason,
cash collected per week, and sales by month, customer and product.

Each report is a few SQL aggregates (GROUPING SETS give the months and the total in one statement)
returning dataclasses; nothing loops over orders, invoices or payments in Python, and the number of
statements does not depend on the number of rows. The definitions are in docs/kpi-formulas.md
("Operational reports"). Durations are whole days between business dates (a shipment's or a
delivery's timestamp is read as its date in the company's time zone); medians and p90s are
`percentile_cont` (interpolated), rounded to one decimal, as in reporting.kpis.

Amounts are summed as stored on the documents, like the aging: the company invoices in its base
currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.utils import timezone

from o2c.errors import DomainError, KernelErrorCode
from o2c.money import round_places
from o2c.parsing import date_check
from receivables.models import Dispute
from reporting.errors import ReportingErrorCode

ZERO = Decimal("0.00")
PERIOD_MAX_DAYS = 3660  # ten years: bounds the month and week tables
DEFAULT_MONTHS = 12


# ── the period ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        month, last, result = self.start.replace(day=1), self.end.replace(day=1), []
        while month <= last:
            result.append(month)
            month += relativedelta(months=1)
        return result

    def weeks(self) -> list[date]:
        """The Monday of every ISO week the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        result = []
        while monday <= self.end:
            result.append(monday)
            monday += timedelta(days=7)
        return result

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def period_default(*, today: date | None = None) -> Period:
    """The last twelve months: from the first day of the month eleven months back to today."""
    today = today or timezone.localdate()
    return Period(start=today.replace(day=1) - relativedelta(months=DEFAULT_MONTHS - 1), end=today)


def period_clean(*, start: date | None, end: date | None, today: date | None = None) -> Period:
    """The period asked for; what is left out defaults to the last twelve months up to `end`.
    Raises DomainError naming the field when it is outside the supported years (1900–2200, so
    no day arithmetic overflows), backwards or longer than ten years."""
    end = date_check(end or today or timezone.localdate(), field="end")
    start = date_check(start, field="start") if start else period_default(today=end).start
    if start > end:
        raise DomainError(
            f"the start ({start}) is after the end ({end})",
            field="start",
            code=KernelErrorCode.PERIOD_REVERSED,
        )
    if (end - start).days > PERIOD_MAX_DAYS:
        raise DomainError(
            "a report covers at most ten years", field="start", code=ReportingErrorCode.PERIOD_TOO_LONG
        )
    return Period(start=start, end=end)


def _day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the company's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _bounds(period: Period) -> dict:
    return {
        "start": period.start,
        "end": period.end,
        "from": _day_start(period.start),
        "to": _day_start(period.end + timedelta(days=1)),
        "tz": settings.TIME_ZONE,
    }


def percent(part, whole) -> Decimal | None:
    """`part` of `whole` in percent, one decimal, half-up; None without a whole (the KPIs use it too)."""
    if not whole:
        return None
    return round_places(Decimal(part) / Decimal(whole) * 100, 1)


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def month_label(month: date | None) -> str:
    return "total" if month is None else month.strftime("%Y-%m")


def _split_total(rows: list[tuple]) -> tuple[tuple | None, dict]:
    """GROUPING SETS ((key), ()) rows: (the total row, {key: row})."""
    total, by_key = None, {}
    for row in rows:
        if row[0] is None:
            total = row
        else:
            by_key[row[0]] = row
    return total, by_key


# ── durations: order-to-cash and order-to-ship ──────────────────────────────────────────────────


@dataclass(frozen=True)
class Durations:
    """Days from one date to another for `count` orders: average, median and p90."""

    month: date | None
    count: int = 0
    average_days: Decimal | None = None
    median_days: Decimal | None = None
    p90_days: Decimal | None = None


def _durations(sql_days: str) -> str:
    return f"""count(*), round(avg({sql_days}), 1),
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY {sql_days}))::numeric, 1),
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY {sql_days}))::numeric, 1)"""


_O2C = f"""
SELECT date_trunc('month', paid_on::timestamp)::date, {_durations("paid_on - order_date")}
  FROM orders_salesorder
 WHERE paid_on BETWEEN %(start)s AND %(end)s
 GROUP BY GROUPING SETS ((date_trunc('month', paid_on::timestamp)), ())
"""


@dataclass(frozen=True)
class CycleTimeReport:
    period: Period
    total: Durations
    months: list[Durations]

    def table(self) -> tuple[list[str], list[list]]:
        header = ["month", "orders_paid", "average_days", "median_days", "p90_days"]
        rows = [
            [month_label(row.month), row.count, row.average_days, row.median_days, row.p90_days]
            for row in [*self.months, self.total]
        ]
        return header, rows


def _durations_from(row: tuple | None, month: date | None) -> Durations:
    if row is None or not row[1]:
        return Durations(month=month)
    return Durations(month=month, count=row[1], average_days=row[2], median_days=row[3], p90_days=row[4])


def cycle_time_report(*, start: date, end: date) -> CycleTimeReport:
    """Order-to-cash: the orders that became fully paid from `start` to `end`, paid_on − order
    date, overall and by month of paid_on. One query."""
    period = Period(start, end)
    total, by_month = _split_total(_fetch(_O2C, _bounds(period)))
    return CycleTimeReport(
        period=period,
        total=_durations_from(total, None),
        months=[_durations_from(by_month.get(month), month) for month in period.months()],
    )


# ── fulfilment: order-to-ship, first-shipment fill rate, on-time delivery, backorders ─────────────

# An order's first shipment is its earliest shipped one (ties by id); the orders counted are those
# whose first shipment left in the period. Fill compares that shipment with the order's stock lines.
_FIRST_SHIPMENTS = f"""
WITH first_shipments AS (
    SELECT s.id, s.order_id, (s.shipped_at AT TIME ZONE %(tz)s)::date AS shipped_on
      FROM fulfillment_shipment s
     WHERE s.shipped_at >= %(from)s AND s.shipped_at < %(to)s
       AND NOT EXISTS (
           SELECT 1 FROM fulfillment_shipment earlier
            WHERE earlier.order_id = s.order_id AND earlier.shipped_at IS NOT NULL
              AND (earlier.shipped_at, earlier.id) < (s.shipped_at, s.id))
),
per_order AS (
    SELECT f.order_id, f.shipped_on, f.shipped_on - o.order_date AS days,
           bool_and(COALESCE(sl.quantity, 0) >= l.quantity) AS complete,
           SUM(l.quantity) AS ordered, COALESCE(SUM(sl.quantity), 0) AS shipped
      FROM first_shipments f
      JOIN orders_salesorder o ON o.id = f.order_id
      JOIN orders_salesorderline l ON l.order_id = f.order_id AND l.is_stock
      LEFT JOIN fulfillment_shipmentline sl ON sl.shipment_id = f.id AND sl.order_line_id = l.id
     GROUP BY f.order_id, f.shipped_on, o.order_date
)
SELECT date_trunc('month', shipped_on::timestamp)::date, {_durations("days")},
       count(*) FILTER (WHERE complete), COALESCE(SUM(ordered), 0), COALESCE(SUM(shipped), 0)
  FROM per_order
 GROUP BY GROUPING SETS ((date_trunc('month', shipped_on::timestamp)), ())
"""

# The same definition as reporting.kpis.on_time_delivery_rate; those without a promised date apart.
_ON_TIME = """
SELECT date_trunc('month', delivered_on::timestamp)::date,
       count(*) FILTER (WHERE promised IS NOT NULL AND delivered_on <= promised),
       count(*) FILTER (WHERE promised IS NOT NULL),
       count(*) FILTER (WHERE promised IS NULL)
  FROM (SELECT (s.delivered_at AT TIME ZONE %(tz)s)::date AS delivered_on,
               COALESCE(o.requested_delivery_date, s.estimated_delivery) AS promised
          FROM fulfillment_shipment s JOIN orders_salesorder o ON o.id = s.order_id
         WHERE s.delivered_at >= %(from)s AND s.delivered_at < %(to)s) deliveries
 GROUP BY GROUPING SETS ((date_trunc('month', delivered_on::timestamp)), ())
"""

# Backordered quantity × the line's net unit value (net amount / quantity), rounded per line.
_BACKORDERS = """
SELECT p.id, p.sku, p.name, count(DISTINCT l.order_id), SUM(l.quantity_backordered),
       SUM(round(l.quantity_backordered * l.net_amount / l.quantity, 2)), min(o.order_date)
  FROM orders_salesorderline l
  JOIN orders_salesorder o ON o.id = l.order_id
  JOIN inventory_product p ON p.id = l.product_id
 WHERE l.quantity_backordered > 0 AND l.is_stock AND o.status = 'open'
 GROUP BY GROUPING SETS ((p.id, p.sku, p.name), ())
"""


@dataclass(frozen=True)
class FulfilmentMonth:
    month: date | None
    ship: Durations  # order date → first shipment
    orders_complete: int = 0  # whose first shipment held every stock line in full
    quantity_ordered: Decimal = Decimal("0")
    quantity_first_shipped: Decimal = Decimal("0")
    deliveries: int = 0  # delivered with a promised date
    on_time: int = 0
    without_promise: int = 0  # delivered, no promised date: not in the rate

    @property
    def orders_shipped(self) -> int:
        return self.ship.count

    @property
    def order_fill_rate(self) -> Decimal | None:
        return percent(self.orders_complete, self.ship.count)

    @property
    def line_fill_rate(self) -> Decimal | None:
        return percent(self.quantity_first_shipped, self.quantity_ordered)

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.deliveries)

    @property
    def late(self) -> int:
        return self.deliveries - self.on_time


@dataclass(frozen=True)
class BackorderRow:
    product_id: int | None
    sku: str
    name: str
    orders: int = 0
    quantity: Decimal = Decimal("0")
    value: Decimal = ZERO
    oldest_order_date: date | None = None


@dataclass(frozen=True)
class FulfilmentReport:
    period: Period
    total: FulfilmentMonth
    months: list[FulfilmentMonth]
    backorders: list[BackorderRow]  # as of now, by product, largest value first
    backorder_total: BackorderRow

    TABLES = ("months", "backorders")

    def table(self, name: str = "months") -> tuple[list[str], list[list]]:
        if name == "backorders":
            header = ["sku", "product", "orders", "quantity_backordered", "value", "oldest_order_date"]
            rows = [
                [row.sku, row.name, row.orders, row.quantity, row.value, row.oldest_order_date]
                for row in [*self.backorders, self.backorder_total]
            ]
            return header, rows
        header = [
            "month",
            "orders_shipped",
            "ship_average_days",
            "ship_median_days",
            "ship_p90_days",
            "orders_complete",
            "order_fill_rate",
            "quantity_ordered",
            "quantity_first_shipped",
            "line_fill_rate",
            "deliveries_with_promise",
            "on_time",
            "on_time_rate",
            "deliveries_without_promise",
        ]
        rows = [
            [
                month_label(row.month),
                row.ship.count,
                row.ship.average_days,
                row.ship.median_days,
                row.ship.p90_days,
                row.orders_complete,
                row.order_fill_rate,
                row.quantity_ordered,
                row.quantity_first_shipped,
                row.line_fill_rate,
                row.deliveries,
                row.on_time,
                row.on_time_rate,
                row.without_promise,
            ]
            for row in [*self.months, self.total]
        ]
        return header, rows


def _fulfilment_month(month: date | None, shipped: tuple | None, delivered: tuple | None) -> FulfilmentMonth:
    figures = {}
    if shipped is not None and shipped[1]:
        figures.update(
            orders_complete=shipped[5], quantity_ordered=shipped[6], quantity_first_shipped=shipped[7]
        )
    if delivered is not None:
        figures.update(on_time=delivered[1], deliveries=delivered[2], without_promise=delivered[3])
    return FulfilmentMonth(month=month, ship=_durations_from(shipped, month), **figures)


def fulfilment_report(*, start: date, end: date) -> FulfilmentReport:
    """Order-to-ship and first-shipment fill for the orders whose first shipment left from `start`
    to `end`; on-time delivery of the shipments delivered then; backorders as they stand now.
    Three queries."""
    period = Period(start, end)
    params = _bounds(period)
    shipped_total, shipped = _split_total(_fetch(_FIRST_SHIPMENTS, params))
    delivered_total, delivered = _split_total(_fetch(_ON_TIME, params))
    backorders, backorder_total = [], BackorderRow(product_id=None, sku="", name="Total")
    for row in _fetch(_BACKORDERS, {}):
        if row[0] is None:
            backorder_total = BackorderRow(None, "", "Total", *row[3:])
        else:
            backorders.append(BackorderRow(*row))
    backorders.sort(key=lambda row: (-row.value, row.sku))
    return FulfilmentReport(
        period=period,
        total=_fulfilment_month(None, shipped_total, delivered_total),
        months=[
            _fulfilment_month(month, shipped.get(month), delivered.get(month)) for month in period.months()
        ],
        backorders=backorders,
        backorder_total=backorder_total,
    )


# ── the credit-hold queue ───────────────────────────────────────────────────────────────────────

# On hold since the latest move to on_hold on the order's timeline (its credit-hold event).
_HOLDS = """
SELECT o.id, o.number, o.customer_id, c.code, c.name, o.order_date, o.currency, o.total,
       COALESCE(h.at, o.submitted_at, o.created_at) AS held_since, COALESCE(h.detail, ''),
       round(EXTRACT(EPOCH FROM (%(now)s - COALESCE(h.at, o.submitted_at, o.created_at))) / 86400, 1)
  FROM orders_salesorder o
  JOIN customers_customer c ON c.id = o.customer_id
  LEFT JOIN LATERAL (
      SELECT e.at, e.detail FROM orders_orderevent e
       WHERE e.order_id = o.id AND e.to_status = 'on_hold'
       ORDER BY e.at DESC, e.id DESC LIMIT 1) h ON true
 WHERE o.status = 'on_hold'
 ORDER BY held_since, o.id
"""


@dataclass(frozen=True)
class HeldOrder:
    order_id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    order_date: date
    currency: str
    total: Decimal
    held_since: datetime
    reason: str
    days_on_hold: Decimal


@dataclass(frozen=True)
class CreditHoldReport:
    as_of: datetime
    count: int
    value: Decimal
    average_days_on_hold: Decimal | None
    max_days_on_hold: Decimal | None
    orders: list[HeldOrder] = field(default_factory=list)  # oldest hold first

    def table(self) -> tuple[list[str], list[list]]:
        header = [
            "order",
            "customer_code",
            "customer_name",
            "order_date",
            "held_since",
            "days_on_hold",
            "currency",
            "total",
            "reason",
        ]
        rows = [
            [
                row.number,
                row.customer_code,
                row.customer_name,
                row.order_date,
                row.held_since.isoformat(),
                row.days_on_hold,
                row.currency,
                row.total,
                row.reason,
            ]
            for row in self.orders
        ]
        return header, rows


def credit_hold_report(*, now: datetime | None = None) -> CreditHoldReport:
    """The orders on credit hold now, oldest first, with the count, their value and the average
    and longest time on hold (days, one decimal). One query."""
    now = now or timezone.now()
    orders = [HeldOrder(*row) for row in _fetch(_HOLDS, {"now": now})]
    count = len(orders)
    days = [order.days_on_hold for order in orders]
    return CreditHoldReport(
        as_of=now,
        count=count,
        value=sum((order.total for order in orders), ZERO),
        average_days_on_hold=round_places(sum(days) / count, 1) if count else None,
        max_days_on_hold=max(days) if days else None,
        orders=orders,
    )


# ── disputes ───────────────────────────────────────────────────────────────────────────────────

DISPUTE_AGES = ("days_0_7", "days_8_30", "days_31_60", "days_over_60")
DISPUTE_AGE_LABELS = {
    "days_0_7": "0–7 days",
    "days_8_30": "8–30 days",
    "days_31_60": "31–60 days",
    "days_over_60": "Over 60 days",
}

# Open on a date: opened on or before it and not resolved by it (as the aging reads disputes).
_DISPUTE_AGES = """
SELECT CASE WHEN age <= 7 THEN 'days_0_7' WHEN age <= 30 THEN 'days_8_30'
            WHEN age <= 60 THEN 'days_31_60' ELSE 'days_over_60' END,
       count(*), SUM(amount), max(age)
  FROM (SELECT %(end)s::date - opened_on AS age, amount FROM receivables_dispute
         WHERE opened_on <= %(end)s AND (resolved_on IS NULL OR resolved_on > %(end)s)) open_disputes
 GROUP BY 1
"""

_OPENED = "d.opened_on BETWEEN %(start)s AND %(end)s"
_RESOLVED = "d.resolved_on BETWEEN %(start)s AND %(end)s"
_OPEN_AT_END = "d.opened_on <= %(end)s AND (d.resolved_on IS NULL OR d.resolved_on > %(end)s)"


def _money_where(where: str, amount: str = "d.amount") -> str:
    return f"COALESCE(SUM({amount}) FILTER (WHERE {where}), 0)::numeric(18, 2)"


def _count_and_amount(where: str) -> str:
    return f"count(*) FILTER (WHERE {where}), {_money_where(where)}"


_DISPUTE_REASONS = f"""
SELECT d.reason,
       {_count_and_amount(_OPENED)},
       {_count_and_amount(f"{_RESOLVED} AND d.status = 'credited'")},
       {_money_where(f"{_RESOLVED} AND d.status = 'credited'", amount="n.total")},
       {_count_and_amount(f"{_RESOLVED} AND d.status = 'rejected'")},
       {_count_and_amount(f"{_RESOLVED} AND d.status = 'withdrawn'")},
       round(avg(d.resolved_on - d.opened_on) FILTER (WHERE {_RESOLVED}), 1),
       {_count_and_amount(_OPEN_AT_END)}
  FROM receivables_dispute d
  LEFT JOIN invoicing_creditnote n ON n.id = d.credit_note_id
 WHERE d.opened_on <= %(end)s AND (d.resolved_on IS NULL OR d.resolved_on >= %(start)s)
 GROUP BY GROUPING SETS ((d.reason), ())
"""


@dataclass(frozen=True)
class DisputeAge:
    bucket: str
    count: int = 0
    amount: Decimal = ZERO
    oldest_days: int | None = None

    @property
    def label(self) -> str:
        return DISPUTE_AGE_LABELS.get(self.bucket, "Total")


@dataclass(frozen=True)
class DisputeReason:
    reason: str  # "" for the total
    opened: int = 0
    opened_amount: Decimal = ZERO
    credited: int = 0
    credited_amount: Decimal = ZERO  # the disputed amounts resolved by a credit note
    credit_notes_amount: Decimal = ZERO  # what those credit notes credited (gross)
    rejected: int = 0
    rejected_amount: Decimal = ZERO
    withdrawn: int = 0
    withdrawn_amount: Decimal = ZERO
    average_days_to_resolve: Decimal | None = None
    open_at_end: int = 0
    open_amount: Decimal = ZERO

    @property
    def label(self) -> str:
        return Dispute.Reason(self.reason).label if self.reason else "Total"

    @property
    def resolved(self) -> int:
        return self.credited + self.rejected + self.withdrawn


@dataclass(frozen=True)
class DisputeReport:
    period: Period
    ages: list[DisputeAge]  # open on the period's last day, by days open
    age_total: DisputeAge
    reasons: list[DisputeReason]
    total: DisputeReason

    TABLES = ("reasons", "ages")

    def table(self, name: str = "reasons") -> tuple[list[str], list[list]]:
        if name == "ages":
            header = ["as_of", "days_open", "disputes", "amount", "oldest_days"]
            rows = [
                [self.period.end, row.label, row.count, row.amount, row.oldest_days]
                for row in [*self.ages, self.age_total]
            ]
            return header, rows
        header = [
            "reason",
            "opened",
            "opened_amount",
            "credited",
            "credited_amount",
            "credit_notes_amount",
            "rejected",
            "rejected_amount",
            "withdrawn",
            "withdrawn_amount",
            "average_days_to_resolve",
            "open_at_end",
            "open_amount",
        ]
        rows = [
            [
                row.reason or "total",
                row.opened,
                row.opened_amount,
                row.credited,
                row.credited_amount,
                row.credit_notes_amount,
                row.rejected,
                row.rejected_amount,
                row.withdrawn,
                row.withdrawn_amount,
                row.average_days_to_resolve,
                row.open_at_end,
                row.open_amount,
            ]
            for row in [*self.reasons, self.total]
        ]
        return header, rows


def dispute_report(*, start: date, end: date) -> DisputeReport:
    """The disputes open on `end` by days open (0–7, 8–30, 31–60, over 60), and per reason those
    opened and resolved (by outcome) from `start` to `end` and still open on `end`. Two queries."""
    period = Period(start, end)
    params = _bounds(period)
    ages = {row[0]: DisputeAge(*row) for row in _fetch(_DISPUTE_AGES, params)}
    total, by_reason = _split_total(_fetch(_DISPUTE_REASONS, params))
    age_rows = [ages.get(bucket, DisputeAge(bucket)) for bucket in DISPUTE_AGES]
    return DisputeReport(
        period=period,
        ages=age_rows,
        age_total=DisputeAge(
            bucket="",
            count=sum(row.count for row in age_rows),
            amount=sum((row.amount for row in age_rows), ZERO),
            oldest_days=max(
                (row.oldest_days for row in age_rows if row.oldest_days is not None), default=None
            ),
        ),
        reasons=[
            DisputeReason(reason, *by_reason[reason][1:]) if reason in by_reason else DisputeReason(reason)
            for reason in Dispute.Reason.values
        ],
        total=DisputeReason("", *total[1:]) if total else DisputeReason(""),
    )


# ── cash collected per week ────────────────────────────────────────────────────────────────────

# Payments by the date received, reversals by the date reversed, refunds (open-item rows) by theirs.
_CASH = """
SELECT date_trunc('week', day::timestamp)::date, SUM(received)::numeric(18, 2), SUM(payments),
       SUM(reversed)::numeric(18, 2), SUM(reversals), SUM(refunded)::numeric(18, 2)
  FROM (SELECT received_on AS day, amount AS received, 1 AS payments, 0 AS reversed, 0 AS reversals,
               0 AS refunded
          FROM receivables_payment WHERE received_on BETWEEN %(start)s AND %(end)s
        UNION ALL
        SELECT reversed_on, 0, 0, amount, 1, 0
          FROM receivables_payment WHERE reversed_on BETWEEN %(start)s AND %(end)s
        UNION ALL
        SELECT entry_date, 0, 0, 0, 0, amount
          FROM receivables_receivableentry
         WHERE kind = 'refund' AND entry_date BETWEEN %(start)s AND %(end)s) movements
 GROUP BY 1
"""


@dataclass(frozen=True)
class CashWeek:
    week_start: date | None  # the Monday; None for the total
    partial: bool = False  # the period covers only part of this week
    payments: int = 0
    received: Decimal = ZERO
    reversals: int = 0
    reversed: Decimal = ZERO
    refunds: Decimal = ZERO

    @property
    def net_collected(self) -> Decimal:
        return self.received - self.reversed

    @property
    def iso_week(self) -> str:
        if self.week_start is None:
            return "total"
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class CashReport:
    period: Period
    weeks: list[CashWeek]
    total: CashWeek

    def table(self) -> tuple[list[str], list[list]]:
        header = [
            "week",
            "week_start",
            "partial",
            "payments",
            "received",
            "reversals",
            "reversed",
            "net_collected",
            "refunds",
        ]
        rows = [
            [
                row.iso_week,
                row.week_start or "",
                "yes" if row.partial else "",
                row.payments,
                row.received,
                row.reversals,
                row.reversed,
                row.net_collected,
                row.refunds,
            ]
            for row in [*self.weeks, self.total]
        ]
        return header, rows


def cash_report(*, start: date, end: date) -> CashReport:
    """Cash collected per ISO week (Monday first) from `start` to `end`: payments received less
    payments reversed, each on its own date; refunds of unapplied cash apart. One query."""
    period = Period(start, end)
    found = {row[0]: row for row in _fetch(_CASH, _bounds(period))}
    weeks = []
    for monday in period.weeks():
        row = found.get(monday)
        partial = monday < period.start or monday + timedelta(days=6) > period.end
        figures = {}
        if row:
            figures = dict(
                zip(("received", "payments", "reversed", "reversals", "refunds"), row[1:], strict=True)
            )
        weeks.append(CashWeek(week_start=monday, partial=partial, **figures))
    total = CashWeek(
        week_start=None,
        payments=sum(week.payments for week in weeks),
        received=sum((week.received for week in weeks), ZERO),
        reversals=sum(week.reversals for week in weeks),
        reversed=sum((week.reversed for week in weeks), ZERO),
        refunds=sum((week.refunds for week in weeks), ZERO),
    )
    return CashReport(period=period, weeks=weeks, total=total)


# ── sales ──────────────────────────────────────────────────────────────────────────────────────

SALES_VIEWS = ("month", "customer", "product")
NOT_BY_PRODUCT = "(not by product)"

# Invoice lines by the invoice's issue date, less credit note lines by the credit note's; a credit
# note line for an invoice line carries its product, one for an amount has none.
_SALES_MOVEMENTS = """
WITH movements AS (
    SELECT i.issue_date AS day, i.customer_id, l.product_id,
           l.net_amount AS invoiced, 0::numeric AS credited, l.tax_amount AS tax, l.total_amount AS gross
      FROM invoicing_invoice i JOIN invoicing_invoiceline l ON l.invoice_id = i.id
     WHERE i.issue_date BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT n.issue_date, n.customer_id, il.product_id,
           0, c.net_amount, -c.tax_amount, -c.total_amount
      FROM invoicing_creditnote n JOIN invoicing_creditnoteline c ON c.credit_note_id = n.id
      LEFT JOIN invoicing_invoiceline il ON il.id = c.invoice_line_id
     WHERE n.issue_date BETWEEN %(start)s AND %(end)s
)
"""
_SALES_SUMS = ", ".join(
    f"SUM(m.{column})::numeric(18, 2)" for column in ("invoiced", "credited", "tax", "gross")
)
_SALES_BY = {
    "month": f"""{_SALES_MOVEMENTS}
SELECT date_trunc('month', m.day::timestamp)::date, NULL::bigint, '', '', {_SALES_SUMS}
  FROM movements m GROUP BY 1""",
    "customer": f"""{_SALES_MOVEMENTS}
SELECT NULL::date, m.customer_id, c.code, c.name, {_SALES_SUMS}
  FROM movements m JOIN customers_customer c ON c.id = m.customer_id
 GROUP BY m.customer_id, c.code, c.name""",
    "product": f"""{_SALES_MOVEMENTS}
SELECT NULL::date, m.product_id, COALESCE(p.sku, ''), COALESCE(p.name, %(not_by_product)s), {_SALES_SUMS}
  FROM movements m LEFT JOIN inventory_product p ON p.id = m.product_id
 GROUP BY m.product_id, p.sku, p.name""",
}


@dataclass(frozen=True)
class SalesRow:
    month: date | None = None  # by month
    id: int | None = None  # the customer or product (None: the total, or credits not by product)
    code: str = ""  # customer code or SKU
    name: str = ""
    invoiced: Decimal = ZERO  # net of the invoice lines
    credited: Decimal = ZERO  # net of the credit note lines
    tax: Decimal = ZERO  # invoiced less credited
    gross: Decimal = ZERO

    @property
    def net_sales(self) -> Decimal:
        return self.invoiced - self.credited

    @property
    def key(self) -> str:
        return month_label(self.month) if self.month else self.code


@dataclass(frozen=True)
class SalesReport:
    period: Period
    by: str
    rows: list[SalesRow]
    total: SalesRow

    def table(self) -> tuple[list[str], list[list]]:
        first = {
            "month": ["month"],
            "customer": ["customer_code", "customer_name"],
            "product": ["sku", "product"],
        }
        header = [*first[self.by], "invoiced_net", "credited_net", "net_sales", "tax", "gross"]
        rows = []
        for row in [*self.rows, self.total]:
            if row is self.total:
                keys = ["total"] + [""] * (len(first[self.by]) - 1)
            else:
                keys = [month_label(row.month)] if self.by == "month" else [row.code, row.name]
            rows.append([*keys, row.invoiced, row.credited, row.net_sales, row.tax, row.gross])
        return header, rows


def sales_report(*, start: date, end: date, by: str = "month") -> SalesReport:
    """Net sales, tax and gross from `start` to `end`: invoice lines less credit note lines, each by
    its document's issue date, by month (every month of the period), customer or product (largest
    first; credits by amount last, as "(not by product)"). One query."""
    if by not in SALES_VIEWS:
        raise ValueError(f"by must be one of {SALES_VIEWS}")
    period = Period(start, end)
    params = {**_bounds(period), "not_by_product": NOT_BY_PRODUCT}
    rows = [SalesRow(*row) for row in _fetch(_SALES_BY[by], params)]
    if by == "month":
        found = {row.month: row for row in rows}
        rows = [found.get(month, SalesRow(month=month)) for month in period.months()]
    else:
        rows.sort(key=lambda row: (row.id is None, -row.net_sales, row.code))
    total = SalesRow(
        name="Total",
        invoiced=sum((row.invoiced for row in rows), ZERO),
        credited=sum((row.credited for row in rows), ZERO),
        tax=sum((row.tax for row in rows), ZERO),
        gross=sum((row.gross for row in rows), ZERO),
    )
    return SalesReport(period=period, by=by, rows=rows, total=total)
