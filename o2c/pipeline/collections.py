"""The collections phase: write-offs and disputes (resolved by a credit note, rejected or
withdrawn)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from o2c import locks
from o2c.pipeline.billing import (
    credit_note_create,
    dispute_credit,
    invoice_lock,
    invoice_payments_lock,
    invoices_settle,
)
from receivables.cash import services as cash
from receivables.disputes import selectors as dispute_selectors
from receivables.disputes import services as disputes
from receivables.models import Dispute

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from receivables.models import WriteOff

    pass


@transaction.atomic
def write_off(*, invoice_id: int, amount: Decimal | str, reason: str, by: User | None) -> WriteOff:
    """A manager writes off a balance that will not be collected (Dr bad debt / Cr receivables)."""
    invoice = invoice_lock(invoice_id=invoice_id)
    written = cash.write_off_create(invoice=invoice, amount=amount, reason=reason, by=by)
    invoices_settle(
        invoices={invoice.pk: invoice},
        on=written.written_off_on,
        written_off={invoice.pk: written.amount},
        reference=invoice.number,
        by=by,
    )
    return written


@transaction.atomic
def dispute_open(
    *,
    invoice_id: int,
    amount: Decimal | str | None = None,
    reason: str,
    note: str = "",
    customer_message: str = "",
    lines: list[disputes.DisputeLineInput] | None = None,
    owner: User | None = None,
    by: User | None,
) -> Dispute:
    """A customer contests invoice lines (or a plain amount of the invoice): that part leaves
    dunning and shows apart in aging."""
    invoice = invoice_lock(invoice_id=invoice_id)
    return disputes.dispute_open(
        invoice=invoice,
        amount=amount,
        reason=reason,
        note=note,
        customer_message=customer_message,
        lines=lines,
        owner=owner,
        by=by,
    )


@transaction.atomic
def dispute_resolve(
    *, dispute_id: int, outcome: str, note: str = "", customer_message: str = "", by: User | None
) -> Dispute:
    """Close a dispute: by a credit note for the disputed lines at their own tax rates (or the
    plain disputed amount; at most what is still open on the invoice), or rejected, or withdrawn
    by the customer. `note` is internal; the credit note says only the dispute's reference and
    the customer-facing message."""
    invoice_id = dispute_selectors.dispute_list().values_list("invoice_id", flat=True).get(pk=dispute_id)
    invoice = invoice_lock(invoice_id=invoice_id)
    payments = invoice_payments_lock(invoice_ids=[invoice_id])  # before the dispute (o2c/locks.py)
    dispute = locks.dispute_lock(dispute_id=dispute_id)
    status = disputes.dispute_outcome_clean(outcome)
    disputes.dispute_check_open(dispute=dispute)
    credit_note = None
    if status == Dispute.Status.CREDITED:
        lines, amount = dispute_credit(dispute=dispute)
        credit_note = credit_note_create(
            invoice=invoice,
            reason=disputes.dispute_credit_note_reason(dispute=dispute, customer_message=customer_message),
            lines=lines,
            amount=amount,
            payments=payments,
            by=by,
        )
    return disputes.dispute_close(dispute=dispute, outcome=status, note=note, credit_note=credit_note, by=by)
