"""Direct-debit writes: mandates made and revoked, and each collection settled or returned (the
run itself is runs.py; the bank statement line that settles or returns it goes through
o2c.pipeline.cash.bank_line_record)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.selectors import customer_list
from o2c import locks
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.parsing import date_check, text_check
from o2c.states import transition
from receivables.directdebit.accounts import account_check, mandate_reference_check
from receivables.directdebit.errors import DirectDebitErrorCode as Code
from receivables.directdebit.models import DirectDebitItem, Mandate
from receivables.directdebit.return_codes import MANDATE_ENDING, reason_in_words
from receivables.directdebit.selectors import SEPA_CURRENCY

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from receivables.models import Payment

Item = DirectDebitItem.Status


@transaction.atomic
def mandate_create(
    *,
    customer_id: int,
    reference: str,
    iban: str,
    signed_on: date,
    bic: str = "",
    debtor_name: str = "",
    scheme: str = Mandate.Scheme.CORE,
    by: User | None = None,
) -> Mandate:
    """A SEPA mandate on a customer who pays in euro: reference unique, IBAN and BIC checked,
    signed on a day not ahead. The customer is locked, so two mandates made at once for one
    customer leave one active (the partial unique constraint backs it)."""
    reference = mandate_reference_check(reference)
    account = account_check(iban=iban, bic=bic)
    signed_on = date_check(signed_on, field="signed_on")
    if signed_on > timezone.localdate():
        raise DomainError(
            "a mandate is signed on or before today", field="signed_on", code=Code.MANDATE_SIGNED_IN_FUTURE
        )
    if scheme not in Mandate.Scheme.values:
        raise DomainError(
            f"{scheme!r} is not one of {', '.join(Mandate.Scheme.values)}",
            field="scheme",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    customer = customer_list().filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(
            f"customer {customer_id} does not exist", field="customer", code=KernelErrorCode.DOES_NOT_EXIST
        )
    if customer.currency != SEPA_CURRENCY:
        raise DomainError(
            f"{customer.code} pays in {customer.currency}; SEPA direct debits are in euro",
            field="customer",
            code=Code.MANDATE_NOT_EUR,
        )
    name = text_check((debtor_name or customer.name).strip(), field="debtor_name")[:70]
    if not name:
        raise DomainError("name the account holder", field="debtor_name", code=KernelErrorCode.BLANK)
    locks.customer_lock(customer_id=customer_id)
    if Mandate.objects.filter(reference=reference).exists():
        raise DomainError(
            f"the mandate reference {reference} is taken",
            field="reference",
            code=Code.MANDATE_REFERENCE_TAKEN,
        )
    active = Mandate.objects.filter(customer_id=customer_id, status=Mandate.Status.ACTIVE).first()
    if active is not None:
        raise Conflict(
            f"{customer.code} has the active mandate {active.reference}; revoke it first",
            code=Code.MANDATE_ACTIVE_EXISTS,
        )
    try:
        with transaction.atomic():
            return Mandate.objects.create(
                customer_id=customer_id,
                reference=reference,
                signed_on=signed_on,
                debtor_name=name,
                iban=account.iban,
                bic=account.bic,
                scheme=scheme,
                created_by=by,
            )
    except IntegrityError:  # the same reference made by another customer's request meanwhile
        raise DomainError(
            f"the mandate reference {reference} is taken",
            field="reference",
            code=Code.MANDATE_REFERENCE_TAKEN,
        ) from None


@transaction.atomic
def mandate_revoke(*, mandate_id: int, reason: str, by: User | None = None) -> Mandate:
    """End a mandate (the customer withdrew it, or the bank returned a debit for a reason that
    ends it). Collections already sent on it stay as they are."""
    reason = text_check((reason or "").strip(), field="reason", multiline=True)
    if not reason:
        raise DomainError("say why the mandate ends", field="reason", code=KernelErrorCode.REQUIRED)
    found = locks.mandates_lock(mandate_ids=[mandate_id])
    if not found:
        raise DomainError(
            f"mandate {mandate_id} does not exist", field="mandate", code=KernelErrorCode.DOES_NOT_EXIST
        )
    mandate = found[0]
    mandate.revoked_on = timezone.localdate()
    mandate.revoke_reason = reason[:300]
    transition(
        mandate, Mandate.Status.REVOKED, by=by, reason=reason, update_fields=["revoked_on", "revoke_reason"]
    )
    return mandate


def items_for_line(*, invoice_ids: list[int], statuses: tuple[str, ...]) -> list[DirectDebitItem]:
    """The collections of these invoices in `statuses` (the latest per invoice), locked."""
    latest: dict[int, int] = {}
    for item_id, invoice_id in (
        DirectDebitItem.objects.filter(invoice_id__in=invoice_ids, status__in=statuses)
        .order_by("pk")
        .values_list("pk", "invoice_id")
    ):
        latest[invoice_id] = item_id
    return locks.direct_debit_items_lock(item_ids=latest.values())


def item_settle(
    *, item: DirectDebitItem, payment: Payment, on: date, note: str, by: User | None = None
) -> None:
    """A pending collection the bank statement credited: settled by `payment`."""
    item.payment = payment
    item.settled_on = on
    transition(item, Item.SETTLED, by=by, reason=note, update_fields=["payment", "settled_on"])


def item_return(*, item: DirectDebitItem, code: str, on: date, note: str, by: User | None = None) -> str:
    """A collection the bank returned, with its reason code (in words on the item). Returns the
    reason in words. A reason that ends the mandate (MD01 and its kind) revokes it."""
    words = reason_in_words(code)
    item.returned_on = on
    item.return_code = (code or "").strip().upper()[:10]
    item.return_reason = words[:300]
    transition(
        item,
        Item.RETURNED,
        by=by,
        reason=f"{words}; {note}",
        update_fields=["returned_on", "return_code", "return_reason"],
    )
    if item.return_code in MANDATE_ENDING:
        mandate = Mandate.objects.get(pk=item.mandate_id)
        if mandate.status == Mandate.Status.ACTIVE:
            mandate_revoke(
                mandate_id=mandate.pk, reason=f"direct debit {item.end_to_end_id} returned: {words}", by=by
            )
    return words
