"""The clerk's decisions on a statement's lines: confirm, unconfirm, ignore, restore, or correct
the customer and the allocations; confirm every matched line at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from customers.selectors import customer_list
from invoicing.selectors import invoice_rows
from o2c import locks
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.money import ZERO
from receivables.bank.errors import BankErrorCode
from receivables.bank.models import BankStatementLine
from receivables.bank.services.lines import (
    bank_line_recordable,
    bank_line_set,
    bank_lines_confirm_matched,
    bank_statement_settle,
)
from receivables.cash.errors import CashErrorCode
from receivables.cash.models import AllocationReason
from receivables.services import amount_clean

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Line = BankStatementLine.Status

ACTIONS = ("confirm", "unconfirm", "ignore", "restore", "save")


@transaction.atomic
def line_decide(
    *,
    statement_id: int,
    line_id: int,
    action: str,
    customer_code: str | None = None,
    allocations: dict[int, str] | None = None,
    confirm: bool = False,
    by: User | None = None,
) -> BankStatementLine:
    """Confirm, unconfirm, ignore or restore a line, or save the clerk's customer and
    allocations for it (and confirm it with `confirm`)."""
    if action not in ACTIONS:
        raise DomainError(
            f"action must be one of {', '.join(ACTIONS)}", field="action", code=KernelErrorCode.INVALID_CHOICE
        )
    line = locks.bank_line_lock(line_id=line_id, statement_id=statement_id)
    if action == "confirm":
        if line.customer_id is None:
            raise DomainError(
                "choose the customer first", field="customer", code=BankErrorCode.CONFIRM_NEEDS_CUSTOMER
            )
        return bank_line_set(line=line, status=Line.CONFIRMED, by=by)
    if action == "unconfirm":
        return bank_line_set(line=line, status=Line.MATCHED if line.customer_id else Line.UNMATCHED, by=by)
    if action == "ignore":
        return bank_line_set(line=line, status=Line.IGNORED, by=by)
    if action == "restore":
        if not bank_line_recordable(line):
            raise Conflict(
                "a debit is not a customer payment; it stays ignored", code=BankErrorCode.DEBIT_NOT_A_PAYMENT
            )
        return bank_line_set(line=line, status=Line.MATCHED if line.customer_id else Line.UNMATCHED, by=by)
    if line.amount <= 0:
        raise Conflict(
            "a debit is not a customer payment; it cannot go to a customer",
            code=BankErrorCode.DEBIT_NOT_A_PAYMENT,
        )
    code = (customer_code or "").strip()
    if not code:
        return bank_line_set(
            line=line,
            status=Line.UNMATCHED,
            customer_id=0,
            allocations=[],
            note="customer cleared by the clerk",
            reason=BankStatementLine.Reason.MANUAL,
            by=by,
        )
    customer = customer_list(filters={"code": code}).first()
    if customer is None:
        raise DomainError(
            f"there is no customer with the code {code}",
            field="customer",
            code=KernelErrorCode.DOES_NOT_EXIST,
        )
    if customer.currency != line.currency:
        raise DomainError(
            f"{customer.code} pays in {customer.currency}; the line is in {line.currency}",
            field="customer",
            code=KernelErrorCode.CURRENCY_MISMATCH,
        )
    chosen = _allocations_checked(line=line, customer_id=customer.pk, allocations=allocations or {})
    who = getattr(by, "username", "") or "the clerk"
    return bank_line_set(
        line=line,
        status=Line.CONFIRMED if confirm else Line.MATCHED,
        customer_id=customer.pk,
        allocations=chosen,
        note=f"{customer.code} and allocations chosen by {who}",
        reason=BankStatementLine.Reason.MANUAL,
        by=by,
    )


def _allocations_checked(
    *, line: BankStatementLine, customer_id: int, allocations: dict[int, str]
) -> list[dict[str, Any]]:
    """The clerk's amounts per invoice: positive, on open invoices of the customer, each within
    the balance, together within the line's amount. Blank or zero amounts leave an invoice out."""
    wanted = {}
    for invoice_id, raw in allocations.items():
        if str(raw or "").strip() in ("", "0", "0.0", "0.00"):
            continue
        wanted[int(invoice_id)] = amount_clean(str(raw).strip().replace(",", "."), field="allocations")
    invoices = {
        invoice["pk"]: invoice
        for invoice in invoice_rows()
        .filter(pk__in=wanted, customer_id=customer_id, balance__gt=0)
        .values("pk", "number", "balance")
    }
    for invoice_id, amount in wanted.items():
        invoice = invoices.get(invoice_id)
        if invoice is None:
            raise DomainError(
                f"invoice {invoice_id} is not an open invoice of this customer",
                field="allocations",
                code=CashErrorCode.INVOICE_OF_OTHER_CUSTOMER,
            )
        if amount > invoice["balance"]:
            raise DomainError(
                f"{amount} is more than the {invoice['balance']} open on {invoice['number']}",
                field="allocations",
                code=CashErrorCode.ALLOCATION_EXCEEDS_BALANCE,
            )
    total = sum(wanted.values(), ZERO)
    if total > line.amount:
        raise DomainError(
            f"{total} allocated but the line is {line.amount}",
            field="allocations",
            code=CashErrorCode.ALLOCATIONS_EXCEED_AMOUNT,
        )
    return [
        {"invoice": invoice_id, "amount": f"{amount:.2f}", "reason": AllocationReason.MANUAL}
        for invoice_id, amount in wanted.items()
    ]


@transaction.atomic
def matched_confirm(*, statement_id: int, by: User | None = None) -> int:
    """Confirm every matched line of the statement at once."""
    confirmed = bank_lines_confirm_matched(statement_id=statement_id, by=by)
    bank_statement_settle(statement_id=statement_id, by=by)
    return confirmed
