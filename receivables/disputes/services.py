"""Dispute writes: open a dispute on a locked invoice (by line or as an amount), assign it, close it.

A credit note that resolves a dispute is the pipeline's step (o2c.pipeline.dispute_resolve)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils import timezone

from invoicing.selectors import invoice_lines_left, line_credit
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import ZERO
from o2c.roles import FINANCE, has_role
from o2c.states import transition, transition_assert
from receivables.disputes import selectors
from receivables.disputes.errors import DisputeErrorCode
from receivables.disputes.models import Dispute, DisputeLine
from receivables.services import amount_clean

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from invoicing.models import CreditNote, Invoice


def _open_disputed(invoice_id: int) -> Decimal:
    return (
        Dispute.objects.filter(invoice_id=invoice_id, status=Dispute.Status.OPEN).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )


def dispute_owner_check(owner: User | None) -> None:
    """A dispute is followed up by finance: its owner is an active finance user (or a manager or an
    admin); a warehouse or sales user is refused, naming `owner`."""
    if owner is not None and not (owner.is_active and has_role(owner, FINANCE)):
        raise DomainError(
            f"{owner.get_username()} is not a finance user; a dispute is owned by finance or a manager",
            field="owner",
            code=DisputeErrorCode.OWNER_NOT_FINANCE,
        )


@dataclass(frozen=True)
class DisputeLineInput:
    """An invoice line a dispute is about: a quantity of it or a gross amount of it."""

    invoice_line_id: int
    quantity: Decimal | None = None
    amount: Decimal | None = None


def _dispute_lines(*, invoice: Invoice, lines: Sequence[DisputeLineInput]) -> list[DisputeLine]:
    """The disputed lines priced as a credit note would credit them, each within what is left
    of its line (less what open disputes already name of it)."""
    left = invoice_lines_left(invoice_id=invoice.pk)
    in_dispute = dict(
        DisputeLine.objects.filter(dispute__invoice_id=invoice.pk, dispute__status=Dispute.Status.OPEN)
        .values("invoice_line_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice_line_id", "total")
    )
    result, seen = [], set()
    for item in lines:
        line_left = left.get(item.invoice_line_id)
        if line_left is None:
            raise DomainError(
                f"invoice line {item.invoice_line_id} is not on {invoice.number}",
                field="lines",
                code=DisputeErrorCode.DISPUTED_LINE_NOT_ON_INVOICE,
            )
        if item.invoice_line_id in seen:
            raise DomainError(
                f"line {line_left.line.position} is named twice",
                field="lines",
                code=DisputeErrorCode.LINE_NAMED_TWICE,
            )
        seen.add(item.invoice_line_id)
        amount = None if item.amount is None else amount_clean(item.amount, field="lines")
        net, tax = line_credit(
            left=line_left, currency=invoice.currency, quantity=item.quantity, amount=amount
        )
        gross = net + tax
        if gross <= 0:
            raise DomainError(
                f"line {line_left.line.position} is free of charge",
                field="lines",
                code=DisputeErrorCode.LINE_FREE_OF_CHARGE,
            )
        already = in_dispute.get(item.invoice_line_id) or ZERO
        if gross + already > line_left.total:
            raise Conflict(
                f"line {line_left.line.position}: {already} of its {line_left.total} is already in dispute",
                code=DisputeErrorCode.LINE_ALREADY_DISPUTED,
            )
        result.append(DisputeLine(invoice_line_id=item.invoice_line_id, quantity=item.quantity, amount=gross))
    return result


def dispute_open(
    *,
    invoice: Invoice,
    amount: Decimal | str | None = None,
    reason: str,
    note: str = "",
    customer_message: str = "",
    lines: Sequence[DisputeLineInput] | None = None,
    owner: User | None = None,
    by: User | None = None,
) -> Dispute:
    """Dispute part of a locked invoice's balance, by line (a quantity or an amount of each) or
    as a plain amount; that part leaves dunning until resolved. With lines, the amount is their
    sum (an amount given too must equal it)."""
    dispute_owner_check(owner or by)
    if reason not in Dispute.Reason.values:
        raise DomainError(
            f"reason must be one of {', '.join(Dispute.Reason.values)}",
            field="reason",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    if invoice.balance <= 0:
        raise Conflict(
            f"{invoice.number} is settled; there is nothing to dispute", code=DisputeErrorCode.INVOICE_SETTLED
        )
    disputed_lines = _dispute_lines(invoice=invoice, lines=lines) if lines else []
    if disputed_lines:
        total = sum((line.amount for line in disputed_lines), ZERO)
        if amount not in (None, "") and amount_clean(amount) != total:
            raise DomainError(
                f"the lines named come to {total}, not {amount}",
                field="amount",
                code=DisputeErrorCode.LINES_AMOUNT_MISMATCH,
            )
        amount = total
    elif amount in (None, ""):
        raise DomainError(
            "name the disputed lines or give the amount", field="amount", code=KernelErrorCode.REQUIRED
        )
    else:
        amount = amount_clean(amount)
    undisputed = invoice.balance - _open_disputed(invoice.pk)
    if amount > undisputed:
        raise Conflict(
            f"{amount} exceeds the {undisputed} of {invoice.number} not already in dispute",
            code=DisputeErrorCode.DISPUTE_EXCEEDS_UNDISPUTED,
        )
    dispute = Dispute.objects.create(
        invoice=invoice,
        customer_id=invoice.customer_id,
        amount=amount,
        reason=reason,
        note=note or "",
        customer_message=(customer_message or "").strip()[:300],
        owner=owner or by,
        opened_on=timezone.localdate(),
        opened_by=by,
    )
    for line in disputed_lines:
        line.dispute = dispute
    DisputeLine.objects.bulk_create(disputed_lines)
    event_emit("dispute.opened", dispute)
    return dispute


# What a dispute can be resolved as: a credit note ("credit_note" is the API's word for it),
# rejected, or withdrawn by the customer.
DISPUTE_OUTCOMES = {
    "credit_note": Dispute.Status.CREDITED,
    Dispute.Status.CREDITED: Dispute.Status.CREDITED,
    Dispute.Status.REJECTED: Dispute.Status.REJECTED,
    Dispute.Status.WITHDRAWN: Dispute.Status.WITHDRAWN,
}


def dispute_outcome_clean(outcome: str) -> str:
    """The status a dispute resolved as `outcome` ends in; refuses any other word."""
    if outcome not in DISPUTE_OUTCOMES:
        raise DomainError(
            "outcome must be credit_note, rejected or withdrawn",
            field="outcome",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    return DISPUTE_OUTCOMES[outcome]


def dispute_check_open(*, dispute: Dispute, field: str | None = None) -> None:
    if dispute.status != Dispute.Status.OPEN:
        raise Conflict(
            f"dispute {dispute.pk} is already {dispute.get_status_display().lower()}",
            field=field,
            code=DisputeErrorCode.DISPUTE_CLOSED,
        )


def dispute_check_of_invoice(*, dispute_id: int, invoice_id: int) -> None:
    if not selectors.dispute_list().filter(pk=dispute_id, invoice_id=invoice_id).exists():
        raise DomainError(
            f"dispute {dispute_id} is not a dispute of this invoice",
            field="dispute",
            code=DisputeErrorCode.DISPUTE_OF_OTHER_INVOICE,
        )


def disputes_check_none_open(*, invoice_id: int, confirm_unrelated: bool) -> None:
    """A credit note on an invoice with open disputes is linked to one of them or confirmed
    unrelated, so nobody is credited twice."""
    open_disputes = list(selectors.open_disputes(invoice_id=invoice_id))
    if open_disputes and not confirm_unrelated:
        listed = ", ".join(f"dispute {d.pk} for {d.amount}" for d in open_disputes)
        raise Conflict(
            f"the invoice has open disputes ({listed}): link the credit note to one, or confirm "
            "that it is unrelated",
            field="dispute",
            code=DisputeErrorCode.OPEN_DISPUTE,
        )


def dispute_credit_note_reason(*, dispute: Dispute, customer_message: str = "") -> str:
    """The customer-facing reason of a credit note resolving a dispute: a neutral reference (the
    dispute's id and reason category) and the message meant for the customer, never the internal
    notes."""
    message = (customer_message or dispute.customer_message).strip()
    return f"Dispute {dispute.pk} ({dispute.get_reason_display().lower()})" + (
        f": {message}" if message else ""
    )


def dispute_close(
    *,
    dispute: Dispute,
    outcome: str,
    note: str = "",
    credit_note: CreditNote | None = None,
    by: User | None = None,
) -> Dispute:
    """Close an open (locked) dispute as credited, rejected or withdrawn."""
    dispute_check_open(dispute=dispute)
    transition_assert(dispute, outcome)
    dispute.resolution_note = note or ""
    dispute.resolved_on = timezone.localdate()
    dispute.resolved_by = by
    dispute.credit_note = credit_note
    transition(
        dispute,
        outcome,
        by=by,
        reason=dispute.resolution_note,
        update_fields=["resolution_note", "resolved_on", "resolved_by", "credit_note"],
    )
    event_emit("dispute.resolved", dispute, outcome=outcome)
    return dispute
