"""Recording a bank statement's confirmed lines as payments, in the background, with progress.

`bank_statement_record_start` marks the statement as being recorded and queues the task on
commit (with no broker the task runs in-process right after the commit, see settings). The task
records each confirmed line in its own transaction (o2c.pipeline.bank_line_record), so a line
the payment step refuses goes back to the clerk with the reason and the others are recorded;
after each line it advances `lines_done` towards `lines_total`, which the page shows as a bar.
Safe to run twice: a recorded line is skipped.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from o2c import pipeline
from o2c.celery import app
from o2c.errors import DomainError
from receivables.bank import services
from receivables.bank.selectors import confirmed_line_ids


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
    recorded, refused = 0, 0
    line_ids = confirmed_line_ids(statement_id=statement_id)
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
                refused += 1
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
    services.bank_statement_recording_end(
        statement_id=statement_id,
        error=(
            f"{refused} line{'s' if refused != 1 else ''} could not be recorded: see the reason on each."
            if refused
            else ""
        ),
        by=by,
    )
    return recorded
