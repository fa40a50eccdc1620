"""Disputes: open on a date by days open, and per reason opened, resolved and still open.

Every amount is in the base currency: a dispute's amount (in its invoice's currency) divided by
its invoice's stored rate and rounded half-up to the base currency's minor unit once per dispute,
in SQL (`round(amount / rate, places)`, mirroring ledger.rates.convert.to_base); a credit note's
stored `total_base` (decision 0062, follow-up)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

from o2c.money import ZERO_CENTS as ZERO
from receivables.models import Dispute
from reporting.operations.period import Period, bounds, fetch, split_total
from reporting.operations.sales import base_places

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
  FROM (SELECT %(end)s::date - d.opened_on AS age, round(d.amount / i.exchange_rate, %(places)s) AS amount
          FROM receivables_dispute d JOIN invoicing_invoice i ON i.id = d.invoice_id
         WHERE d.opened_on <= %(end)s AND (d.resolved_on IS NULL OR d.resolved_on > %(end)s)) open_disputes
 GROUP BY 1
"""

_OPENED = "d.opened_on BETWEEN %(start)s AND %(end)s"
_RESOLVED = "d.resolved_on BETWEEN %(start)s AND %(end)s"
_OPEN_AT_END = "d.opened_on <= %(end)s AND (d.resolved_on IS NULL OR d.resolved_on > %(end)s)"


_BASE_AMOUNT = "round(d.amount / i.exchange_rate, %(places)s)"


def _money_where(where: str, amount: str = _BASE_AMOUNT) -> str:
    return f"COALESCE(SUM({amount}) FILTER (WHERE {where}), 0)::numeric(18, 2)"


def _count_and_amount(where: str) -> str:
    return f"count(*) FILTER (WHERE {where}), {_money_where(where)}"


_DISPUTE_REASONS = f"""
SELECT d.reason,
       {_count_and_amount(_OPENED)},
       {_count_and_amount(f"{_RESOLVED} AND d.status = 'credited'")},
       {_money_where(f"{_RESOLVED} AND d.status = 'credited'", amount="n.total_base")},
       {_count_and_amount(f"{_RESOLVED} AND d.status = 'rejected'")},
       {_count_and_amount(f"{_RESOLVED} AND d.status = 'withdrawn'")},
       round(avg(d.resolved_on - d.opened_on) FILTER (WHERE {_RESOLVED}), 1),
       {_count_and_amount(_OPEN_AT_END)}
  FROM receivables_dispute d
  JOIN invoicing_invoice i ON i.id = d.invoice_id
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
    currency: str = field(default_factory=lambda: str(settings.O2C_BASE_CURRENCY))  # every amount's

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
    params = {**bounds(period), "places": base_places()}
    ages = {row[0]: DisputeAge(*row) for row in fetch(_DISPUTE_AGES, params)}
    total, by_reason = split_total(fetch(_DISPUTE_REASONS, params))
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
