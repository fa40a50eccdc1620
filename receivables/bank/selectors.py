"""Bank statement reads: the statements with their counts, a statement's lines (with the invoice
numbers of their allocations), one line, and the lines confirmed for recording."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from invoicing.selectors import invoice_rows
from o2c.money import ZERO
from receivables.bank.models import BankStatement, BankStatementLine

Line = BankStatementLine.Status


def statement_list() -> QuerySet[BankStatement]:
    """Statements with their line counts and credit totals (one query)."""
    return (
        BankStatement.objects.select_related("uploaded_by", "mapping")
        .annotate(
            line_count=Count("lines"),
            credits=Sum("lines__amount", filter=Q(lines__amount__gt=0)),
            recorded=Count("lines", filter=Q(lines__status=Line.RECORDED)),
            to_confirm=Count("lines", filter=Q(lines__status__in=[Line.MATCHED, Line.UNMATCHED])),
        )
        .order_by("-uploaded_at", "-pk")
    )


def statement_get(*, statement_id: int) -> BankStatement:
    return BankStatement.objects.select_related("uploaded_by", "mapping").get(pk=statement_id)


def statement_counts(*, statement_id: int) -> dict[str, dict[str, Any]]:
    """Per line status: how many lines and their total."""
    counts = {status: {"count": 0, "total": ZERO} for status in Line.values}
    for row in (
        BankStatementLine.objects.filter(statement_id=statement_id)
        .values("status")
        .annotate(count=Count("pk"), total=Sum("amount"))
    ):
        counts[row["status"]] = {"count": row["count"], "total": row["total"]}
    return counts


def statement_lines(*, statement_id: int, status: str | None = None) -> QuerySet[BankStatementLine]:
    lines = BankStatementLine.objects.filter(statement_id=statement_id).select_related("customer", "payment")
    if status:
        lines = lines.filter(status=status)
    return lines.order_by("line_no")


def lines_with_invoices(lines: Iterable[Any]) -> list[BankStatementLine]:
    """The lines, each with `allocation_rows` [(invoice number, Decimal amount)] and
    `allocation_list` [{invoice, invoice_number, amount, reason}], reading the invoice numbers of
    all of them in one query."""
    lines = list(lines)  # each line gets the figures the page shows
    ids = {int(item["invoice"]) for line in lines for item in line.allocations}
    numbers = dict(invoice_rows().filter(pk__in=ids).values_list("pk", "number")) if ids else {}
    for line in lines:
        line.allocation_rows = [
            (numbers.get(int(item["invoice"]), f"#{item['invoice']}"), Decimal(item["amount"]))
            for item in line.allocations
        ]
        line.allocation_list = [
            {
                "invoice": int(item["invoice"]),
                "invoice_number": numbers.get(int(item["invoice"])),
                "amount": Decimal(item["amount"]),
                "reason": item.get("reason") or None,
            }
            for item in line.allocations
        ]
        line.allocated = sum((amount for _, amount in line.allocation_rows), ZERO)
        line.unapplied = line.amount - line.allocated if line.amount > 0 else ZERO
    return lines


def line_get(*, statement_id: int, line_id: int) -> BankStatementLine:
    """One line of a statement (with `allocation_rows`); DoesNotExist when it is not there."""
    lines = lines_with_invoices(statement_lines(statement_id=statement_id).filter(pk=line_id))
    if not lines:
        raise BankStatementLine.DoesNotExist(f"no line {line_id} in statement {statement_id}")
    return lines[0]


def confirmed_line_ids(*, statement_id: int) -> list[int]:
    return list(
        BankStatementLine.objects.filter(statement_id=statement_id, status=Line.CONFIRMED)
        .order_by("line_no")
        .values_list("pk", flat=True)
    )
