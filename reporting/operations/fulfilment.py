"""Fulfilment: order-to-ship days, first-shipment fill rate, on-time delivery and backorders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from o2c.money import ZERO_CENTS as ZERO
from reporting.operations.cycle_times import Durations, durations_from, durations_sql
from reporting.operations.period import Period, bounds, fetch, month_label, percent, split_total

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
SELECT date_trunc('month', shipped_on::timestamp)::date, {durations_sql("days")},
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

# Backordered quantity × the line's net unit value (net amount / quantity), rounded per line; the
# total row (the empty grouping set) is 0, not NULL, when nothing is backordered.
_BACKORDERS = """
SELECT p.id, p.sku, p.name, count(DISTINCT l.order_id), COALESCE(SUM(l.quantity_backordered), 0),
       COALESCE(SUM(round(l.quantity_backordered * l.net_amount / l.quantity, 2)), 0), min(o.order_date)
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
    return FulfilmentMonth(month=month, ship=durations_from(shipped, month), **figures)


def fulfilment_report(*, start: date, end: date) -> FulfilmentReport:
    """Order-to-ship and first-shipment fill for the orders whose first shipment left from `start`
    to `end`; on-time delivery of the shipments delivered then; backorders as they stand now.
    Three queries."""
    period = Period(start, end)
    params = bounds(period)
    shipped_total, shipped = split_total(fetch(_FIRST_SHIPMENTS, params))
    delivered_total, delivered = split_total(fetch(_ON_TIME, params))
    backorders, backorder_total = [], BackorderRow(product_id=None, sku="", name="Total")
    for row in fetch(_BACKORDERS, {}):
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
