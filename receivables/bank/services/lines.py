"""Bank statement rows written: a statement with its lines, a line's status, customer and
allocations, and the recording of confirmed lines (its progress and its end). A line becomes a
payment through o2c.pipeline.bank_line_record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.states import transition, transition_rows
from receivables.bank.errors import BankErrorCode
from receivables.bank.models import BankColumnMapping, BankStatement, BankStatementLine
from receivables.cash.models import Payment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BankLine = BankStatementLine.Status
BANK_LINES_OPEN = (BankLine.UNMATCHED, BankLine.MATCHED, BankLine.CONFIRMED)
# What may be confirmed for recording: a credit, or a returned direct debit (recording reopens
# its invoice: o2c.pipeline.cash.bank_line_record).
RECORDABLE = Q(amount__gt=0) | Q(match_reason=BankStatementLine.Reason.DIRECT_DEBIT_RETURN)


def bank_line_recordable(line: BankStatementLine) -> bool:
    return line.amount > 0 or line.match_reason == BankStatementLine.Reason.DIRECT_DEBIT_RETURN


def bank_mapping_remember(*, header_signature: str, **fields: Any) -> BankColumnMapping:
    """How to read a bank's CSV layout (delimiter, columns, date format, decimal comma), kept by
    the signature of its header row so that the next file from that bank maps itself."""
    mapping, _ = BankColumnMapping.objects.update_or_create(
        header_signature=header_signature, defaults=fields
    )
    return mapping


def bank_statement_create(
    *,
    file_name: str,
    file_sha256: str,
    format: str,
    mapping: BankColumnMapping | None = None,
    lines: list[dict[str, Any]],
    by: User | None = None,
) -> BankStatement:
    """A statement and its lines (each a dict of BankStatementLine fields, matched already)."""
    statement = BankStatement.objects.create(
        file_name=file_name[:255], file_sha256=file_sha256, format=format, mapping=mapping, uploaded_by=by
    )
    BankStatementLine.objects.bulk_create(
        [BankStatementLine(statement=statement, line_no=no, **line) for no, line in enumerate(lines, 1)],
        batch_size=1000,
    )
    bank_statement_settle(statement_id=statement.pk, by=by)
    return statement


def bank_line_set(
    *,
    line: BankStatementLine,
    status: str,
    customer_id: int | None = None,
    allocations: list[dict[str, Any]] | None = None,
    note: str | None = None,
    reason: str | None = None,
    by: User | None = None,
) -> BankStatementLine:
    """The clerk's decision on a locked, not yet recorded line: its customer and allocations
    ([{"invoice": id, "amount": "10.00"}]) and whether it is confirmed, only matched, or ignored."""
    if line.status in (BankLine.RECORDED, BankLine.DUPLICATE) or line.payment_id:
        raise Conflict(
            f"line {line.line_no} is {line.get_status_display().lower()}; it cannot change",
            code=BankErrorCode.BANK_LINE_FINAL,
        )
    if line.statement.status == BankStatement.Status.RECORDING:
        raise Conflict(
            "the statement is being recorded; wait until it is done", code=BankErrorCode.STATEMENT_RECORDING
        )
    if status == BankLine.CONFIRMED and (
        not bank_line_recordable(line) or not (customer_id or line.customer_id)
    ):
        raise DomainError(
            "only a credit (or a returned direct debit) with a customer can be confirmed",
            field="customer",
            code=BankErrorCode.CONFIRM_NEEDS_CUSTOMER,
        )
    if customer_id is not None:
        line.customer_id = customer_id or None
    if allocations is not None:
        line.allocations = allocations
    if note is not None:
        line.match_note = note[:200]
    if reason is not None:
        line.match_reason = reason
    fields = ["customer", "allocations", "match_note", "match_reason"]
    if status == line.status:  # the clerk corrected the customer or the allocations only
        line.save(update_fields=fields)
    else:
        transition(line, status, by=by, reason=note or "", update_fields=fields)
    bank_statement_settle(statement_id=line.statement_id, by=by)
    return line


def bank_lines_confirm_matched(*, statement_id: int, by: User | None = None) -> int:
    """Confirm every matched credit of a statement at once; returns how many."""
    if BankStatement.objects.filter(pk=statement_id, status=BankStatement.Status.RECORDING).exists():
        raise Conflict(
            "the statement is being recorded; wait until it is done", code=BankErrorCode.STATEMENT_RECORDING
        )
    return transition_rows(
        BankStatementLine.objects.filter(
            RECORDABLE, statement_id=statement_id, status=BankLine.MATCHED, customer__isnull=False
        ),
        BankLine.CONFIRMED,
        by=by,
        reason="every matched line confirmed at once",
    )


def bank_line_link_payment(
    *, line: BankStatementLine, payment: Payment, by: User | None = None
) -> BankStatementLine:
    line.payment = payment
    line.match_note = f"recorded as {payment.number}"
    transition(line, BankLine.RECORDED, by=by, reason=payment.number, update_fields=["payment", "match_note"])
    return line


def bank_line_recorded(*, line: BankStatementLine, note: str, by: User | None = None) -> BankStatementLine:
    """A confirmed line recorded as something else than one payment (direct debits: a payment
    per collection, or a returned debit that reopened its invoices)."""
    line.match_note = note[:200]
    transition(line, BankLine.RECORDED, by=by, reason=note, update_fields=["match_note"])
    return line


def bank_line_refused(*, line_id: int, message: str, by: User | None = None) -> None:
    """A confirmed line the payment step refused goes back to the clerk, with the reason."""
    transition_rows(
        BankStatementLine.objects.filter(pk=line_id, status=BankLine.CONFIRMED),
        BankLine.MATCHED,
        by=by,
        reason=message,
        event="refused",
        values={"match_note": f"Not recorded: {message}"[:200]},
    )


def bank_lines_confirm_for_recording(
    *, statement_id: int, line_ids: list[int] | None = None, by: User | None = None
) -> list[int]:
    """The lines the API records: of `line_ids` (default: every line), those matched to a
    customer, confirmed now, and those confirmed already; their ids in statement order. Ids of
    lines of another statement are refused, naming `lines`."""
    lines = BankStatementLine.objects.filter(statement_id=statement_id)
    if line_ids is not None:
        unknown = set(line_ids) - set(lines.filter(pk__in=line_ids).values_list("pk", flat=True))
        if unknown:
            raise DomainError(
                f"not lines of statement {statement_id}: {', '.join(map(str, sorted(unknown)))}",
                field="lines",
                code=KernelErrorCode.DOES_NOT_EXIST,
            )
        lines = lines.filter(pk__in=line_ids)
    if BankStatement.objects.filter(pk=statement_id, status=BankStatement.Status.RECORDING).exists():
        raise Conflict(
            "the statement is being recorded; wait until it is done", code=BankErrorCode.STATEMENT_RECORDING
        )
    transition_rows(
        lines.filter(RECORDABLE, status=BankLine.MATCHED, customer__isnull=False),
        BankLine.CONFIRMED,
        by=by,
        reason="confirmed to be recorded through the API",
    )
    return list(lines.filter(status=BankLine.CONFIRMED).order_by("line_no").values_list("pk", flat=True))


def bank_statement_recording_begin(
    *, statement_id: int, line_ids: list[int] | None = None, by: User | None = None
) -> int:
    """Mark the statement as being recorded, with its confirmed lines (of `line_ids` when given)
    as the progress total. A conditional update: a second click while it runs is refused."""
    confirmed = BankStatementLine.objects.filter(statement_id=statement_id, status=BankLine.CONFIRMED)
    if line_ids is not None:
        confirmed = confirmed.filter(pk__in=line_ids)
    total = confirmed.count()
    if not total:
        raise DomainError(
            "confirm at least one line first", field="lines", code=BankErrorCode.NOTHING_CONFIRMED
        )
    started = transition_rows(  # from review or failed, by the table
        BankStatement.objects.filter(pk=statement_id),
        BankStatement.Status.RECORDING,
        by=by,
        reason=f"confirmed lines: {total}",
        values={"lines_total": total, "lines_done": 0, "error": ""},
    )
    if not started:
        raise Conflict("the statement is being recorded already", code=BankErrorCode.STATEMENT_RECORDING)
    return total


def bank_statement_recording_total(*, statement_id: int) -> int:
    return BankStatement.objects.values_list("lines_total", flat=True).get(pk=statement_id)


def bank_statement_progress(*, statement_id: int, done: int) -> None:
    """How many of the lines being recorded are done."""
    BankStatement.objects.filter(pk=statement_id).update(lines_done=done)


def _bank_statement_status(statement_id: int) -> str:
    """Recorded when no line is left to decide, else to review."""
    open_lines = BankStatementLine.objects.filter(statement_id=statement_id, status__in=BANK_LINES_OPEN)
    return BankStatement.Status.REVIEW if open_lines.exists() else BankStatement.Status.RECORDED


def bank_statement_settle(*, statement_id: int, by: User | None = None) -> None:
    """The statement's status after the clerk changed a line (not while it is being recorded)."""
    transition_rows(
        BankStatement.objects.filter(pk=statement_id).exclude(status=BankStatement.Status.RECORDING),
        _bank_statement_status(statement_id),
        by=by,
    )


def bank_statement_recording_end(
    *, statement_id: int, error: str = "", broke_off: bool = False, by: User | None = None
) -> None:
    """The recording task is done: failed when it broke off, else recorded or back to review;
    `error` says what the clerk should know (lines refused, or why it broke off)."""
    status = BankStatement.Status.FAILED if broke_off else _bank_statement_status(statement_id)
    statement = BankStatement.objects.filter(pk=statement_id)
    if not transition_rows(statement, status, by=by, reason=error, values={"error": error[:2000]}):
        statement.update(error=error[:2000])  # a task run again finds it ended: only the message
