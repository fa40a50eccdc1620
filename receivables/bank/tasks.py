"""Recording a bank statement's confirmed lines as payments, in the background, with progress.

`bank_statement_record_start` marks the statement as being recorded and queues the task on
commit (with no broker the task runs in-process right after the commit, see settings). The task
records each confirmed line in its own transaction (o2c.pipeline.bank_line_record), so a line
the payment step refuses goes back to the clerk with the reason and the others are recorded;
after each line it advances `lines_done` towards `lines_total`, which the page shows as a bar.
Safe to run twice: a recorded line is skipped.

The API records in the request instead (`bank_statement_record_now`), through the same loop, and
answers each line's result.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from o2c import pipeline
from o2c.celery import app
from o2c.errors import DomainError
from receivables.bank import services
from receivables.bank.errors import BankErrorCode
from receivables.bank.selectors import confirmed_line_ids, statement_lines


def bank_statement_record_start(*, statement_id: int, by=None) -> int:
    """Start recording the statement's confirmed lines; returns how many there are."""
    with transaction.atomic():
        total = services.bank_statement_recording_begin(statement_id=statement_id, by=by)
        user_id = getattr(by, "pk", None)
        transaction.on_commit(lambda: bank_statement_record.delay(statement_id, user_id), robust=True)
    return total


# The registered name is the module's old path: queued messages use it.
@app.task(name="receivables.bank_tasks.bank_statement_record", ignore_result=True, acks_late=True)
def bank_statement_record(statement_id: int, user_id: int | None = None) -> int:
    """Record the confirmed lines; returns how many became payments."""
    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    recorded, _ = _lines_record(
        statement_id=statement_id, line_ids=confirmed_line_ids(statement_id=statement_id), by=by
    )
    return recorded


def _lines_record(*, statement_id: int, line_ids: list[int], by) -> tuple[int, dict[int, DomainError]]:
    """Each line through the payment step in its own transaction, the progress advanced after
    each; then the statement's recording ended. Returns how many became payments and the
    refusals by line id."""
    recorded, refusals = 0, {}
    # a redelivered task finds fewer lines to do: the progress starts where the first run left it
    total = services.bank_statement_recording_total(statement_id=statement_id)
    done = max(total - len(line_ids), 0)
    try:
        for line_id in line_ids:
            try:
                if pipeline.bank_line_record(line_id=line_id, by=by) is not None:
                    recorded += 1
            except DomainError as refusal:  # Conflict too: the line goes back to the clerk
                services.bank_line_refused(line_id=line_id, message=refusal.message, by=by)
                refusals[line_id] = refusal
            done = min(done + 1, total)
            services.bank_statement_progress(statement_id=statement_id, done=done)
    except Exception as error:
        services.bank_statement_recording_end(
            statement_id=statement_id,
            error=f"Recording stopped after {recorded} payments: {error}",
            broke_off=True,
            by=by,
        )
        raise
    refused = len(refusals)
    services.bank_statement_recording_end(
        statement_id=statement_id,
        error=(
            f"{refused} line{'s' if refused != 1 else ''} could not be recorded: see the reason on each."
            if refused
            else ""
        ),
        by=by,
    )
    return recorded, refusals


@dataclass(frozen=True)
class LineResult:
    """What recording did with one line: `recorded` (now), `already_recorded`, `refused` by the
    payment step, or `not_recorded` (a line with no customer, ignored, or imported before)."""

    line_id: int
    line_no: int
    outcome: str
    payment_id: int | None = None
    payment_number: str | None = None
    code: str | None = None
    message: str | None = None


def bank_statement_record_now(
    *, statement_id: int, line_ids: list[int] | None = None, by=None
) -> list[LineResult]:
    """Record `line_ids` (default: every matched or confirmed line not yet recorded) as payments
    now, each in its own transaction as the task does; a line already recorded is not recorded
    again. Returns a result per line asked for (by default, per line recorded or refused)."""
    with transaction.atomic():
        to_record = services.bank_lines_confirm_for_recording(
            statement_id=statement_id, line_ids=line_ids, by=by
        )
        if to_record:
            services.bank_statement_recording_begin(statement_id=statement_id, line_ids=to_record, by=by)
    refusals: dict[int, DomainError] = {}
    if to_record:
        _, refusals = _lines_record(statement_id=statement_id, line_ids=to_record, by=by)
    asked = set(to_record if line_ids is None else line_ids)
    results = []
    for line in statement_lines(statement_id=statement_id).filter(pk__in=asked):
        refusal = refusals.get(line.pk)
        if refusal is not None:
            results.append(
                LineResult(line.pk, line.line_no, "refused", code=str(refusal.code), message=refusal.message)
            )
        elif line.payment_id:
            results.append(
                LineResult(
                    line.pk,
                    line.line_no,
                    "recorded" if line.pk in to_record else "already_recorded",
                    payment_id=line.payment_id,
                    payment_number=line.payment.number,
                )
            )
        else:
            results.append(
                LineResult(
                    line.pk,
                    line.line_no,
                    "not_recorded",
                    code=BankErrorCode.LINE_NOT_MATCHED,
                    message=f"line {line.line_no} is {line.get_status_display().lower()}: "
                    "only a line matched to a customer is recorded",
                )
            )
    return results
