"""Promises to pay: how many were kept, per customer and per collector (issue 16, decision 0067)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reporting.operations.period import Period, fetch, percent

METHOD = (
    "A promise counts in the period in which it was settled: found kept (payments applied to its "
    "invoices, or to the account when it names none, covered its amount by its date, or its invoices "
    "were settled) or broken (its date passed first), by the nightly check. Open and cancelled promises "
    "do not count. Kept rate = kept ÷ (kept + broken); amount kept rate = the amount of the kept "
    "promises ÷ the amount of all settled promises. The collector is the customer's collector now (the "
    "worklist's owner, as the cash forecast reads it): a customer moved to another collector takes its "
    "promises with it; customers without one are counted under “nobody”."
)

# One statement: GROUPING SETS give the customers, the collectors and the total (GROUPING() says which).
_PROMISES = """
SELECT GROUPING(c.id), GROUPING(u.id, u.username),
       c.id, c.code, c.name, u.id, u.username,
       count(*) FILTER (WHERE p.status = 'kept'),
       count(*) FILTER (WHERE p.status = 'broken'),
       COALESCE(SUM(p.amount), 0)::numeric(18, 2),
       COALESCE(SUM(p.amount) FILTER (WHERE p.status = 'kept'), 0)::numeric(18, 2),
       COALESCE(SUM(p.paid), 0)::numeric(18, 2)
  FROM receivables_promise p
  JOIN customers_customer c ON c.id = p.customer_id
  LEFT JOIN receivables_collectorassignment a ON a.customer_id = p.customer_id
  LEFT JOIN auth_user u ON u.id = a.collector_id
 WHERE p.status IN ('kept', 'broken') AND p.settled_on BETWEEN %(start)s AND %(end)s
 GROUP BY GROUPING SETS ((c.id, c.code, c.name), (u.id, u.username), ())
"""


@dataclass(frozen=True)
class PromiseRate:
    id: int | None  # the customer's or the collector's; None for the total and for "nobody"
    code: str  # the customer's code, the collector's user name
    name: str
    kept: int
    broken: int
    amount_promised: Decimal
    amount_kept: Decimal
    paid: Decimal  # what was paid towards them when they were settled

    @property
    def settled(self) -> int:
        return self.kept + self.broken

    @property
    def kept_rate(self) -> Decimal | None:
        return percent(self.kept, self.settled)

    @property
    def amount_kept_rate(self) -> Decimal | None:
        return percent(self.amount_kept, self.amount_promised)


_EMPTY = PromiseRate(None, "", "total", 0, 0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


@dataclass(frozen=True)
class PromiseReport:
    period: Period
    total: PromiseRate
    customers: list[PromiseRate] = field(default_factory=list)  # most promises settled first
    collectors: list[PromiseRate] = field(default_factory=list)
    method: str = METHOD

    TABLES = ("customers", "collectors")

    def table(self, name: str = "customers") -> tuple[list[str], list[list]]:
        first = ["customer_code", "customer_name"] if name == "customers" else ["collector"]
        header = [*first, "kept", "broken", "settled", "kept_rate_percent", "amount_promised", "amount_kept",
                  "amount_kept_rate_percent", "paid"]  # fmt: skip
        rows = [
            [*([row.code, row.name] if name == "customers" else [row.code or "nobody"]), row.kept, row.broken,
             row.settled, row.kept_rate, row.amount_promised, row.amount_kept, row.amount_kept_rate, row.paid]
            for row in (self.customers if name == "customers" else self.collectors)
        ]  # fmt: skip
        return header, rows


def promise_report(*, period: Period) -> PromiseReport:
    """The promises settled in `period`, kept and broken, per customer, per collector and in total:
    one SQL statement whatever the number of promises."""
    customers, collectors, total = [], [], _EMPTY
    for not_customer, not_collector, c_id, c_code, c_name, u_id, u_name, *figures in fetch(
        _PROMISES, {"start": period.start, "end": period.end}
    ):
        if not not_customer:
            customers.append(PromiseRate(c_id, c_code, c_name, *figures))
        elif not not_collector:
            collectors.append(PromiseRate(u_id, u_name or "", u_name or "nobody", *figures))
        else:
            total = PromiseRate(None, "", "total", *figures)
    customers.sort(key=lambda row: (-row.settled, row.code))
    collectors.sort(key=lambda row: (row.id is None, row.code))
    return PromiseReport(period=period, total=total, customers=customers, collectors=collectors)
