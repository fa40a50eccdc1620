"""Receivables writes: the open-item ledger, payments (record, apply, reverse, refund),
write-offs, disputes and inbound payment notifications.

Each function runs inside the caller's transaction (the steps in o2c/pipeline.py) on invoices the
caller has locked (`o2c.locks.invoices_lock`, primary-key order); a payment's own row is
locked here. Every change writes its open-item rows and its journal entry together, so the
subledger and the ledger never part: receivables (1100) = Σ open invoice balances and customer
advances (2100) = Σ unapplied cash, at every commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from customers.models import Customer
from invoicing.selectors import invoice_lines_left, line_credit
from ledger.services import LineSpec, journal_entry_post, posting_date_check
from o2c.errors import Conflict, DomainError
from o2c.money import ZERO, is_rounded
from o2c.numbering import document_number_next
from o2c.parsing import MAX_AMOUNT
from o2c.roles import FINANCE, has_role
from receivables import selectors
from receivables.models import (
    Allocation,
    BankColumnMapping,
    BankStatement,
    BankStatementLine,
    Dispute,
    DisputeLine,
    Payment,
    PaymentNotification,
    ReceivableEntry,
    WriteOff,
)

Kind = ReceivableEntry.Kind


@dataclass(frozen=True)
class AllocationInput:
    invoice_id: int
    amount: Decimal


# ── the open-item ledger ─────────────────────────────────────────────────────────────────────────


def receivable_record_invoice(*, invoice) -> None:
    """The invoice's own row (+ its total), written when it is issued."""
    if invoice.total > 0:
        ReceivableEntry.objects.create(
            customer_id=invoice.customer_id,
            kind=Kind.INVOICE,
            entry_date=invoice.issue_date,
            amount=invoice.total,
            currency=invoice.currency,
            invoice_id=invoice.pk,
        )


def receivable_record_credit_note(*, credit_note) -> None:
    ReceivableEntry.objects.create(
        customer_id=credit_note.customer_id,
        kind=Kind.CREDIT_NOTE,
        entry_date=credit_note.issue_date,
        amount=-credit_note.total,
        currency=credit_note.currency,
        invoice_id=credit_note.invoice_id,
        credit_note_id=credit_note.pk,
    )


def _entries(rows: list[ReceivableEntry]) -> None:
    ReceivableEntry.objects.bulk_create([row for row in rows if row.amount])


# ── payments ─────────────────────────────────────────────────────────────────────────────────────


def amount_clean(value, *, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(f"{value!r} is not an amount", field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise DomainError("the amount must be positive", field=field)
    if not is_rounded(amount):
        raise DomainError("the amount has at most two decimals", field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(f"the amount is at most {MAX_AMOUNT}", field=field, code="amount_too_large")
    return amount


def _duplicate_check(*, customer: Customer, reference: str, amount: Decimal, received_on: date) -> None:
    """Refuse a payment that repeats one already recorded, unless the clerk confirmed it. An
    advisory lock on the payment's identity makes two identical concurrent requests queue."""
    key = f"payment:{customer.pk}:{reference.strip().lower()}:{amount}:{received_on.isoformat()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    earlier = (
        Payment.objects.filter(
            customer=customer,
            reference__iexact=reference.strip(),
            amount=amount,
            received_on=received_on,
            status=Payment.Status.POSTED,
        )
        .values_list("number", flat=True)
        .first()
    )
    if earlier:
        raise DomainError(
            f"{earlier} already records {amount} {customer.currency} from {customer.code} with reference "
            f"{reference or '(none)'} on {received_on}; confirm to record it again",
            field="confirm_duplicate",
            code="duplicate_payment",
        )


def _allocations_clean(
    *, payment_customer: Customer, currency: str, invoices: dict, allocations: Sequence[AllocationInput]
) -> list[tuple[object, Decimal]]:
    """Merge allocations per invoice and check each against the locked invoice."""
    merged: dict[int, Decimal] = {}
    for item in allocations:
        amount = amount_clean(item.amount, field="allocations")
        merged[item.invoice_id] = merged.get(item.invoice_id, ZERO) + amount
    result = []
    for invoice_id, amount in merged.items():
        invoice = invoices.get(invoice_id)
        if invoice is None or invoice.customer_id != payment_customer.pk:
            raise DomainError(
                f"invoice {invoice_id} is not an invoice of {payment_customer.code}", field="allocations"
            )
        if invoice.currency != currency:
            raise DomainError(
                f"{invoice.number} is in {invoice.currency}, the payment in {currency}", field="allocations"
            )
        if amount > invoice.balance:
            raise Conflict(f"{amount} exceeds the {invoice.balance} open on {invoice.number}")
        result.append((invoice, amount))
    return result


def _apply(*, payment: Payment, allocations: list[tuple[object, Decimal]], on: date, by) -> list[Allocation]:
    """Allocation rows and their open-item pairs, dated `on` — or the invoice's issue date when
    the cash came before the invoice (it was unapplied until then)."""
    rows, entries = [], []
    for invoice, amount in allocations:
        day = max(on, invoice.issue_date)
        rows.append(
            Allocation(payment=payment, invoice=invoice, amount=amount, applied_on=day, created_by=by)
        )
        common = {"customer_id": payment.customer_id, "currency": payment.currency, "entry_date": day}
        entries.append(
            ReceivableEntry(kind=Kind.ALLOCATION, amount=-amount, invoice=invoice, payment=payment, **common)
        )
        entries.append(ReceivableEntry(kind=Kind.ALLOCATION, amount=amount, payment=payment, **common))
    Allocation.objects.bulk_create(rows)
    _entries(entries)
    return rows


def payment_create(
    *,
    customer_id: int,
    amount,
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
    received_on: date,
    invoices: dict,
    allocations: Sequence[AllocationInput],
    currency: str | None = None,
    confirm_duplicate: bool = False,
    source: str = Payment.Source.MANUAL,
    note: str = "",
    by=None,
) -> tuple[Payment, list[Allocation]]:
    """Record a payment and apply it as `allocations` say, to `invoices` (id → invoice, locked by
    the caller); post Dr bank / Cr receivables (applied) / Cr customer advances (unapplied)."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(f"customer {customer_id} does not exist", field="customer")
    amount = amount_clean(amount)
    if currency and currency.upper() != customer.currency:
        raise DomainError(f"{customer.code} pays in {customer.currency}, not {currency}", field="currency")
    if method not in Payment.Method.values:
        raise DomainError(f"method must be one of {', '.join(Payment.Method.values)}", field="method")
    if received_on > timezone.localdate():
        raise DomainError("a payment cannot be received in the future", field="received_on")
    posting_date_check(on=received_on, field="received_on")  # before anything is written
    reference = (reference or "").strip()[:200]
    if not confirm_duplicate:
        _duplicate_check(customer=customer, reference=reference, amount=amount, received_on=received_on)
    applied = _allocations_clean(
        payment_customer=customer, currency=customer.currency, invoices=invoices, allocations=allocations
    )
    applied_total = sum((part for _, part in applied), ZERO)
    if applied_total > amount:
        raise DomainError(f"{applied_total} allocated but the payment is {amount}", field="allocations")
    payment = Payment.objects.create(
        number=document_number_next(series="payment", on=received_on),
        customer=customer,
        currency=customer.currency,
        amount=amount,
        amount_applied=applied_total,
        unapplied_amount=amount - applied_total,
        method=method,
        reference=reference,
        received_on=received_on,
        note=note[:500],
        source=source,
        last_movement_on=max([received_on, *(invoice.issue_date for invoice, _ in applied)]),
        created_by=by,
    )
    ReceivableEntry.objects.create(
        customer=customer,
        kind=Kind.PAYMENT,
        entry_date=received_on,
        amount=-amount,
        currency=payment.currency,
        payment=payment,
    )
    rows = _apply(payment=payment, allocations=applied, on=received_on, by=by)
    applied_then = sum((row.amount for row in rows if row.applied_on == received_on), ZERO)
    journal_entry_post(
        entry_date=received_on,
        memo=f"Payment {payment.number} from {customer.code}" + (f" ({reference})" if reference else ""),
        lines=[
            LineSpec(account="bank", debit=amount),
            *([LineSpec(account="receivables", credit=applied_then)] if applied_then else []),
            *(
                [LineSpec(account="customer_advances", credit=amount - applied_then)]
                if applied_then < amount
                else []
            ),
        ],
        source="payment",
        source_reference=payment.number,
        by=by,
    )
    for row in rows:  # cash received before the invoice: an advance until the invoice date
        if row.applied_on != received_on:
            _post_application(payment=payment, amount=row.amount, on=row.applied_on, by=by)
    return payment, rows


def _post_application(*, payment: Payment, amount: Decimal, on: date, by) -> None:
    journal_entry_post(
        entry_date=on,
        memo=f"Unapplied cash of {payment.number} applied",
        lines=[
            LineSpec(account="customer_advances", debit=amount),
            LineSpec(account="receivables", credit=amount),
        ],
        source="payment",
        source_reference=payment.number,
        by=by,
    )


def payment_apply(
    *, payment: Payment, invoices: dict, allocations: Sequence[AllocationInput], by=None
) -> list[Allocation]:
    """Apply unapplied cash of a locked payment to invoices (locked): Dr advances / Cr receivables."""
    if payment.status != Payment.Status.POSTED:
        raise Conflict(f"{payment.number} is reversed")
    if not allocations:
        raise DomainError("give at least one allocation", field="allocations")
    applied = _allocations_clean(
        payment_customer=payment.customer,
        currency=payment.currency,
        invoices=invoices,
        allocations=allocations,
    )
    total = sum((part for _, part in applied), ZERO)
    if total > payment.unapplied_amount:
        raise Conflict(
            f"{total} to apply but only {payment.unapplied_amount} of {payment.number} is unapplied"
        )
    today = timezone.localdate()
    rows = _apply(payment=payment, allocations=applied, on=today, by=by)
    payment.amount_applied += total
    payment.unapplied_amount -= total
    payment.last_movement_on = max(filter(None, [payment.last_movement_on, today]))
    payment.save(update_fields=["amount_applied", "unapplied_amount", "last_movement_on"])
    _post_application(payment=payment, amount=total, on=today, by=by)
    return rows


def payment_reverse(*, payment: Payment, reason: str, by=None) -> dict[int, Decimal]:
    """Reverse a bounced payment (locked, its invoices locked too): its allocations are undone,
    its postings reversed. Returns what each invoice gets back (invoice id → amount)."""
    if payment.status == Payment.Status.REVERSED:
        raise Conflict(f"{payment.number} is already reversed")
    if payment.amount_refunded > 0:
        raise Conflict(f"{payment.number} was partly refunded; it cannot be reversed")
    if not (reason or "").strip():
        raise DomainError("give the reason for the reversal", field="reason")
    today = timezone.localdate()
    active = list(payment.allocations.filter(reversed_on__isnull=True).order_by("pk"))
    back: dict[int, Decimal] = {}
    entries = []
    common = {"customer_id": payment.customer_id, "currency": payment.currency, "entry_date": today}
    for allocation in active:
        back[allocation.invoice_id] = back.get(allocation.invoice_id, ZERO) + allocation.amount
        entries.append(
            ReceivableEntry(
                kind=Kind.ALLOCATION_REVERSAL,
                amount=allocation.amount,
                invoice_id=allocation.invoice_id,
                payment=payment,
                **common,
            )
        )
        entries.append(
            ReceivableEntry(
                kind=Kind.ALLOCATION_REVERSAL, amount=-allocation.amount, payment=payment, **common
            )
        )
    entries.append(
        ReceivableEntry(kind=Kind.PAYMENT_REVERSAL, amount=payment.amount, payment=payment, **common)
    )
    _entries(entries)
    Allocation.objects.filter(pk__in=[a.pk for a in active]).update(reversed_on=today)
    applied, unapplied = payment.amount_applied, payment.unapplied_amount
    payment.status = Payment.Status.REVERSED
    payment.amount_applied = payment.unapplied_amount = ZERO
    payment.reversed_on = today
    payment.reversal_reason = reason.strip()[:500]
    payment.last_movement_on = max(filter(None, [payment.last_movement_on, today]))
    payment.save(
        update_fields=[
            "status",
            "amount_applied",
            "unapplied_amount",
            "reversed_on",
            "reversal_reason",
            "last_movement_on",
        ]
    )
    journal_entry_post(
        entry_date=today,
        memo=f"Payment {payment.number} reversed: {payment.reversal_reason}"[:500],
        lines=[
            *([LineSpec(account="receivables", debit=applied)] if applied else []),
            *([LineSpec(account="customer_advances", debit=unapplied)] if unapplied else []),
            LineSpec(account="bank", credit=payment.amount),
        ],
        source="payment_reversal",
        source_reference=payment.number,
        by=by,
    )
    return back


def payment_refund(*, payment: Payment, amount, reason: str, by=None) -> Payment:
    """Pay unapplied cash back to the customer (locked payment): Dr advances / Cr bank."""
    amount = amount_clean(amount)
    if payment.status != Payment.Status.POSTED:
        raise Conflict(f"{payment.number} is reversed")
    if amount > payment.unapplied_amount:
        raise Conflict(
            f"{amount} to refund but only {payment.unapplied_amount} of {payment.number} is unapplied"
        )
    if not (reason or "").strip():
        raise DomainError("give the reason for the refund", field="reason")
    today = timezone.localdate()
    ReceivableEntry.objects.create(
        customer_id=payment.customer_id,
        kind=Kind.REFUND,
        entry_date=today,
        amount=amount,
        currency=payment.currency,
        payment=payment,
    )
    payment.amount_refunded += amount
    payment.unapplied_amount -= amount
    payment.last_movement_on = max(filter(None, [payment.last_movement_on, today]))
    payment.save(update_fields=["amount_refunded", "unapplied_amount", "last_movement_on"])
    journal_entry_post(
        entry_date=today,
        memo=f"Refund of {payment.number}: {reason.strip()}"[:500],
        lines=[LineSpec(account="customer_advances", debit=amount), LineSpec(account="bank", credit=amount)],
        source="refund",
        source_reference=payment.number,
        by=by,
    )
    return payment


# ── write-offs ───────────────────────────────────────────────────────────────────────────────────


def write_off_create(*, invoice, amount, reason: str, by=None) -> WriteOff:
    """Write off part or all of a locked invoice's balance: Dr bad debt / Cr receivables."""
    amount = amount_clean(amount)
    if not (reason or "").strip():
        raise DomainError("give the reason for the write-off", field="reason")
    if amount > invoice.balance:
        raise Conflict(f"{amount} exceeds the {invoice.balance} open on {invoice.number}")
    today = timezone.localdate()
    write_off = WriteOff.objects.create(
        invoice=invoice,
        customer_id=invoice.customer_id,
        amount=amount,
        reason=reason.strip()[:500],
        written_off_on=today,
        created_by=by,
    )
    ReceivableEntry.objects.create(
        customer_id=invoice.customer_id,
        kind=Kind.WRITE_OFF,
        entry_date=today,
        amount=-amount,
        currency=invoice.currency,
        invoice=invoice,
        write_off=write_off,
    )
    journal_entry_post(
        entry_date=today,
        memo=f"Write-off on {invoice.number}: {write_off.reason}"[:500],
        lines=[LineSpec(account="bad_debt", debit=amount), LineSpec(account="receivables", credit=amount)],
        source="write_off",
        source_reference=invoice.number,
        by=by,
    )
    return write_off


# ── disputes ─────────────────────────────────────────────────────────────────────────────────────


def _open_disputed(invoice_id: int) -> Decimal:
    return (
        Dispute.objects.filter(invoice_id=invoice_id, status=Dispute.Status.OPEN).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )


def dispute_owner_check(owner) -> None:
    """A dispute is followed up by finance: its owner is an active finance user (or a manager or an
    admin); a warehouse or sales user is refused, naming `owner`."""
    if owner is not None and not (owner.is_active and has_role(owner, FINANCE)):
        raise DomainError(
            f"{owner.get_username()} is not a finance user; a dispute is owned by finance or a manager",
            field="owner",
            code="owner_not_finance",
        )


@dataclass(frozen=True)
class DisputeLineInput:
    """An invoice line a dispute is about: a quantity of it or a gross amount of it."""

    invoice_line_id: int
    quantity: Decimal | None = None
    amount: Decimal | None = None


def _dispute_lines(*, invoice, lines: Sequence[DisputeLineInput]) -> list[DisputeLine]:
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
                f"invoice line {item.invoice_line_id} is not on {invoice.number}", field="lines"
            )
        if item.invoice_line_id in seen:
            raise DomainError(f"line {line_left.line.position} is named twice", field="lines")
        seen.add(item.invoice_line_id)
        amount = None if item.amount is None else amount_clean(item.amount, field="lines")
        net, tax = line_credit(
            left=line_left, currency=invoice.currency, quantity=item.quantity, amount=amount
        )
        gross = net + tax
        if gross <= 0:
            raise DomainError(f"line {line_left.line.position} is free of charge", field="lines")
        already = in_dispute.get(item.invoice_line_id) or ZERO
        if gross + already > line_left.total:
            raise Conflict(
                f"line {line_left.line.position}: {already} of its {line_left.total} is already in dispute"
            )
        result.append(DisputeLine(invoice_line_id=item.invoice_line_id, quantity=item.quantity, amount=gross))
    return result


def dispute_open(
    *,
    invoice,
    amount=None,
    reason: str,
    note: str = "",
    customer_message: str = "",
    lines: Sequence[DisputeLineInput] | None = None,
    owner=None,
    by=None,
) -> Dispute:
    """Dispute part of a locked invoice's balance, by line (a quantity or an amount of each) or
    as a plain amount; that part leaves dunning until resolved. With lines, the amount is their
    sum (an amount given too must equal it)."""
    dispute_owner_check(owner or by)
    if reason not in Dispute.Reason.values:
        raise DomainError(f"reason must be one of {', '.join(Dispute.Reason.values)}", field="reason")
    if invoice.balance <= 0:
        raise Conflict(f"{invoice.number} is settled; there is nothing to dispute")
    disputed_lines = _dispute_lines(invoice=invoice, lines=lines) if lines else []
    if disputed_lines:
        total = sum((line.amount for line in disputed_lines), ZERO)
        if amount not in (None, "") and amount_clean(amount) != total:
            raise DomainError(f"the lines named come to {total}, not {amount}", field="amount")
        amount = total
    elif amount in (None, ""):
        raise DomainError("name the disputed lines or give the amount", field="amount")
    else:
        amount = amount_clean(amount)
    undisputed = invoice.balance - _open_disputed(invoice.pk)
    if amount > undisputed:
        raise Conflict(f"{amount} exceeds the {undisputed} of {invoice.number} not already in dispute")
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
        raise DomainError("outcome must be credit_note, rejected or withdrawn", field="outcome")
    return DISPUTE_OUTCOMES[outcome]


def dispute_check_open(*, dispute: Dispute, field: str | None = None) -> None:
    if dispute.status != Dispute.Status.OPEN:
        raise Conflict(f"dispute {dispute.pk} is already {dispute.get_status_display().lower()}", field=field)


def dispute_check_of_invoice(*, dispute_id: int, invoice_id: int) -> None:
    if not selectors.dispute_list().filter(pk=dispute_id, invoice_id=invoice_id).exists():
        raise DomainError(f"dispute {dispute_id} is not a dispute of this invoice", field="dispute")


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
            code="open_dispute",
        )


def dispute_credit_note_reason(*, dispute: Dispute, customer_message: str = "") -> str:
    """The customer-facing reason of a credit note resolving a dispute: a neutral reference (the
    dispute's id and reason category) and the message meant for the customer, never the internal
    notes."""
    message = (customer_message or dispute.customer_message).strip()
    return f"Dispute {dispute.pk} ({dispute.get_reason_display().lower()})" + (
        f": {message}" if message else ""
    )


def dispute_close(*, dispute: Dispute, outcome: str, note: str = "", credit_note=None, by=None) -> Dispute:
    """Close an open (locked) dispute as credited, rejected or withdrawn."""
    dispute_check_open(dispute=dispute)
    dispute.status = outcome
    dispute.resolution_note = note or ""
    dispute.resolved_on = timezone.localdate()
    dispute.resolved_by = by
    dispute.credit_note = credit_note
    dispute.save(update_fields=["status", "resolution_note", "resolved_on", "resolved_by", "credit_note"])
    return dispute


def dispute_assign(*, dispute: Dispute, owner) -> Dispute:
    dispute_owner_check(owner)
    dispute.owner = owner
    dispute.save(update_fields=["owner"])
    return dispute


# ── inbound payment notifications ────────────────────────────────────────────────────────────────


def notification_claim(*, event_id: str, payload: dict) -> tuple[PaymentNotification, bool]:
    """Record a provider event once by its id. A concurrent twin waits on the unique index and
    then finds the first one: (the notification, True when this call recorded it)."""
    if not event_id or len(event_id) > 200:
        raise DomainError("the event id is missing or longer than 200 characters", field="id")
    try:
        with transaction.atomic():
            return PaymentNotification.objects.create(event_id=event_id, payload=payload), True
    except IntegrityError:
        return PaymentNotification.objects.select_related("payment").get(event_id=event_id), False


def notification_link(*, notification: PaymentNotification, payment: Payment) -> None:
    notification.payment = payment
    notification.save(update_fields=["payment"])


# ── bank statements ──────────────────────────────────────────────────────────────────────────────
# Reading, matching and checking the clerk's corrections live in receivables/bank_import.py; the
# writes are these. A line becomes a payment through o2c.pipeline.bank_line_record.

BankLine = BankStatementLine.Status
BANK_LINES_OPEN = (BankLine.UNMATCHED, BankLine.MATCHED, BankLine.CONFIRMED)


def bank_mapping_remember(*, header_signature: str, **fields) -> BankColumnMapping:
    """How to read a bank's CSV layout (delimiter, columns, date format, decimal comma), kept by
    the signature of its header row so that the next file from that bank maps itself."""
    mapping, _ = BankColumnMapping.objects.update_or_create(
        header_signature=header_signature, defaults=fields
    )
    return mapping


def bank_statement_create(
    *, file_name: str, file_sha256: str, format: str, mapping=None, lines: list[dict], by=None
) -> BankStatement:
    """A statement and its lines (each a dict of BankStatementLine fields, matched already)."""
    statement = BankStatement.objects.create(
        file_name=file_name[:255], file_sha256=file_sha256, format=format, mapping=mapping, uploaded_by=by
    )
    BankStatementLine.objects.bulk_create(
        [BankStatementLine(statement=statement, line_no=no, **line) for no, line in enumerate(lines, 1)],
        batch_size=1000,
    )
    bank_statement_settle(statement_id=statement.pk)
    return statement


def bank_line_set(
    *, line: BankStatementLine, status: str, customer_id=None, allocations=None, note: str | None = None
) -> BankStatementLine:
    """The clerk's decision on a locked, not yet recorded line: its customer and allocations
    ([{"invoice": id, "amount": "10.00"}]) and whether it is confirmed, only matched, or ignored."""
    if line.status in (BankLine.RECORDED, BankLine.DUPLICATE) or line.payment_id:
        raise Conflict(f"line {line.line_no} is {line.get_status_display().lower()}; it cannot change")
    if line.statement.status == BankStatement.Status.RECORDING:
        raise Conflict("the statement is being recorded; wait until it is done")
    if status == BankLine.CONFIRMED and (line.amount <= 0 or not (customer_id or line.customer_id)):
        raise DomainError("only a credit with a customer can be confirmed", field="customer")
    line.status = status
    if customer_id is not None:
        line.customer_id = customer_id or None
    if allocations is not None:
        line.allocations = allocations
    if note is not None:
        line.match_note = note[:200]
    line.save(update_fields=["status", "customer", "allocations", "match_note"])
    bank_statement_settle(statement_id=line.statement_id)
    return line


def bank_lines_confirm_matched(*, statement_id: int) -> int:
    """Confirm every matched credit of a statement at once; returns how many."""
    if BankStatement.objects.filter(pk=statement_id, status=BankStatement.Status.RECORDING).exists():
        raise Conflict("the statement is being recorded; wait until it is done")
    return BankStatementLine.objects.filter(
        statement_id=statement_id, status=BankLine.MATCHED, customer__isnull=False, amount__gt=0
    ).update(status=BankLine.CONFIRMED)


def bank_line_link_payment(*, line: BankStatementLine, payment: Payment) -> BankStatementLine:
    line.payment = payment
    line.status = BankLine.RECORDED
    line.match_note = f"recorded as {payment.number}"
    line.save(update_fields=["payment", "status", "match_note"])
    return line


def bank_line_refused(*, line_id: int, message: str) -> None:
    """A confirmed line the payment step refused goes back to the clerk, with the reason."""
    BankStatementLine.objects.filter(pk=line_id, status=BankLine.CONFIRMED).update(
        status=BankLine.MATCHED, match_note=f"Not recorded: {message}"[:200]
    )


def bank_statement_recording_begin(*, statement_id: int) -> int:
    """Mark the statement as being recorded, with its confirmed lines as the progress total.
    A conditional update: a second click while it runs is refused."""
    total = BankStatementLine.objects.filter(statement_id=statement_id, status=BankLine.CONFIRMED).count()
    if not total:
        raise DomainError("confirm at least one line first", field="lines")
    started = BankStatement.objects.filter(
        pk=statement_id, status__in=[BankStatement.Status.REVIEW, BankStatement.Status.FAILED]
    ).update(status=BankStatement.Status.RECORDING, lines_total=total, lines_done=0, error="")
    if not started:
        raise Conflict("the statement is being recorded already")
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


def bank_statement_settle(*, statement_id: int) -> None:
    """The statement's status after the clerk changed a line (not while it is being recorded)."""
    BankStatement.objects.filter(pk=statement_id).exclude(status=BankStatement.Status.RECORDING).update(
        status=_bank_statement_status(statement_id)
    )


def bank_statement_recording_end(*, statement_id: int, error: str = "", broke_off: bool = False) -> None:
    """The recording task is done: failed when it broke off, else recorded or back to review;
    `error` says what the clerk should know (lines refused, or why it broke off)."""
    status = BankStatement.Status.FAILED if broke_off else _bank_statement_status(statement_id)
    BankStatement.objects.filter(pk=statement_id).update(status=status, error=error[:2000])
