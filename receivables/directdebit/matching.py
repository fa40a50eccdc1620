"""The bank statement's rule for direct debits, in one place (receivables/bank/matching.py asks
it first): a credit whose reference carries the end-to-end ids of collections pending, for
exactly their amount, or a run's number (its `PmtInfId` or message id, as banks book a batch
as one credit) for exactly what of the run is pending, settles those collections; a returned
debit (a reversal booked as a debit) carrying a collection's end-to-end id returns it, with the
bank's reason code. A line the rule does not recognise is left to the usual matching. Two
queries for a statement of any length."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from o2c.money import ZERO_CENTS
from receivables.bank.models import BankStatementLine, MatchReason
from receivables.directdebit.models import DirectDebitItem
from receivables.directdebit.return_codes import reason_in_words

if TYPE_CHECKING:
    from receivables.bank.files import StatementLine

Item = DirectDebitItem.Status
_END_TO_END = re.compile(r"\bDD-\d{4}-\d{6,}-\d{4,}\b")
_RUN = re.compile(r"\b(DD-\d{4}-\d{6,})(?:-(FRST|RCUR))?(?![-\d])")


def direct_debit_matches(lines: list[StatementLine]) -> dict[int, dict[str, Any]]:
    """Per line index the rule recognises: the fields of its match (status, customer_id,
    allocations, note, reason)."""
    ids = {index: set(_END_TO_END.findall(line.reference.upper())) for index, line in enumerate(lines)}
    runs = {
        index: {(m.group(1), m.group(2)) for m in _RUN.finditer(line.reference.upper())}
        for index, line in enumerate(lines)
        if line.amount > 0 and not line.reversal and not ids[index]
    }
    by_id = {
        item.end_to_end_id: item
        for item in DirectDebitItem.objects.filter(
            end_to_end_id__in=set().union(*ids.values())
        ).select_related("invoice")
    }
    by_run: dict[str, list[DirectDebitItem]] = defaultdict(list)
    for item in (
        DirectDebitItem.objects.filter(
            run__number__in={number for found in runs.values() for number, _ in found}, status=Item.PENDING
        )
        .select_related("invoice", "run")
        .order_by("pk")
    ):
        by_run[item.run.number].append(item)
    result = {}
    for index, line in enumerate(lines):
        if line.amount < 0 and ids[index]:
            found = [by_id[i] for i in sorted(ids[index]) if i in by_id and by_id[i].status != Item.RETURNED]
            if found:
                result[index] = _returned(line, found)
        elif line.amount > 0 and not line.reversal:
            if ids[index]:
                found = [
                    by_id[i] for i in sorted(ids[index]) if i in by_id and by_id[i].status == Item.PENDING
                ]
            else:
                found = [
                    item
                    for number, sequence in sorted(runs.get(index, ()), key=str)
                    for item in by_run.get(number, [])
                    if sequence is None or item.sequence == sequence
                ]
            if found and _total(found) == line.amount and all(i.currency == line.currency for i in found):
                result[index] = _collected(line, found)
    return result


def _total(items: list[DirectDebitItem]) -> Decimal:
    return sum((item.amount for item in items), ZERO_CENTS)


def _allocations(items: list[DirectDebitItem]) -> list[dict[str, Any]]:
    return [
        {"invoice": item.invoice_id, "amount": f"{item.amount:.2f}", "reason": MatchReason.DIRECT_DEBIT.value}
        for item in items
    ]


def _collected(line: StatementLine, items: list[DirectDebitItem]) -> dict[str, Any]:
    customers = {item.customer_id for item in items}
    what = (
        f"direct debit {items[0].end_to_end_id} of {items[0].invoice.number}"
        if len(items) == 1
        else f"{len(items)} direct debits of {len(customers)} customer(s), run {items[0].end_to_end_id.rsplit('-', 1)[0]}"
    )
    return {
        "status": BankStatementLine.Status.MATCHED,
        "customer_id": items[0].customer_id,
        "allocations": _allocations(items),
        "note": f"{what} collected",
        "reason": MatchReason.DIRECT_DEBIT,
    }


def _returned(line: StatementLine, items: list[DirectDebitItem]) -> dict[str, Any]:
    listed = ", ".join(f"{item.end_to_end_id} ({item.invoice.number})" for item in items)
    return {
        "status": BankStatementLine.Status.MATCHED,
        "customer_id": items[0].customer_id,
        "allocations": _allocations(items),
        "note": f"returned direct debit {listed}: {reason_in_words(line.return_code)}",
        "reason": MatchReason.DIRECT_DEBIT_RETURN,
    }
