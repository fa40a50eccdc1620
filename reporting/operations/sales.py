"""Sales: invoice lines less credit note lines, by month, customer or product; beside them the
quotation-to-order conversion of the period (quotations.selectors.quotation_conversion).

Every figure is in the base currency: each line's net, tax and gross divided by its document's
stored rate and rounded half-up to the base currency's minor unit once per line, in SQL
(`round(amount / rate, places)`, which mirrors ledger.rates.convert.to_base: PostgreSQL rounds a
numeric half away from zero like ROUND_HALF_UP; a base document's rate is 1, so its lines are
unchanged). The quotation figures beside them are not converted yet (decision 0062, follow-up)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

from o2c.money import ZERO_CENTS as ZERO
from o2c.money import minor_unit
from quotations.selectors import quotation_conversion
from reporting.operations.period import Period, bounds, fetch, month_label

SALES_VIEWS = ("month", "customer", "product")
NOT_BY_PRODUCT = "(not by product)"

# Invoice lines by the invoice's issue date, less credit note lines by the credit note's; a credit
# note line for an invoice line carries its product, one for an amount has none.
_SALES_MOVEMENTS = """
WITH movements AS (
    SELECT i.issue_date AS day, i.customer_id, l.product_id,
           round(l.net_amount / i.exchange_rate, %(places)s) AS invoiced, 0::numeric AS credited,
           round(l.tax_amount / i.exchange_rate, %(places)s) AS tax,
           round(l.total_amount / i.exchange_rate, %(places)s) AS gross
      FROM invoicing_invoice i JOIN invoicing_invoiceline l ON l.invoice_id = i.id
     WHERE i.issue_date BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT n.issue_date, n.customer_id, il.product_id,
           0, round(c.net_amount / n.exchange_rate, %(places)s),
           -round(c.tax_amount / n.exchange_rate, %(places)s), -round(c.total_amount / n.exchange_rate, %(places)s)
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


def base_places() -> int:
    """Decimal places of the base currency's minor unit (2 for EUR, 0 for JPY)."""
    return -int(minor_unit(settings.O2C_BASE_CURRENCY).as_tuple().exponent)


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
    # quotations dated in the period: counts and net values by outcome, conversion rates (0053)
    quotations: dict[str, object] | None = None
    currency: str = field(default_factory=lambda: str(settings.O2C_BASE_CURRENCY))  # of the sales figures

    TABLES = ("sales", "quotations")
    QUOTATION_OUTCOMES = (
        ("quoted", "Quoted (sent)"),
        ("sent", "Still open"),
        ("accepted", "Accepted (became orders)"),
        ("declined", "Declined"),
        ("expired", "Expired"),
    )

    def quotation_rows(self) -> list[tuple[str, str, object, object]]:
        """(key, label, count, net value) per outcome of the quotations sent in the period."""
        quoted = self.quotations or {}
        return [
            (key, label, quoted.get(f"{key}_count", 0), quoted.get(f"{key}_value", ZERO))
            for key, label in self.QUOTATION_OUTCOMES
        ]

    def table(self, name: str = "sales") -> tuple[list[str], list[list]]:
        if name == "quotations":  # the conversion (decision 0053): by outcome, then the rates
            quoted = self.quotations or {}
            rows: list[list] = [[key, count, value] for key, _, count, value in self.quotation_rows()]
            rows.append(
                [
                    "conversion_rate_percent",
                    quoted.get("conversion_rate"),
                    quoted.get("value_conversion_rate"),
                ]
            )
            return ["outcome", "count", "net_value"], rows
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
    params = {**bounds(period), "not_by_product": NOT_BY_PRODUCT, "places": base_places()}
    rows = [SalesRow(*row) for row in fetch(_SALES_BY[by], params)]
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
    return SalesReport(
        period=period,
        by=by,
        rows=rows,
        total=total,
        quotations=quotation_conversion(date_from=start, date_to=end),
    )
