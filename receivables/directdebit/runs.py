"""A collection run (decision 0065): the invoices a run may collect (selectors.collectable_invoices),
numbered, written to a pain.008 file validated against its XSD, and recorded as collections
pending, in one transaction.

Two runs at once never collect an invoice twice: runs queue behind one advisory lock, each locks
the invoices and mandates it collects before it reads their balances again, and the partial
unique constraint `dd_item_one_pending_per_invoice` refuses a second pending collection of an
invoice whatever happens. A run made again for the same dates finds nothing left to collect."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from o2c import locks
from o2c.errors import DomainError, KernelErrorCode
from o2c.money import ZERO_CENTS
from o2c.numbering import sequence_number_next
from o2c.parsing import date_check
from receivables.directdebit.accounts import account_check, creditor_id_check
from receivables.directdebit.errors import DirectDebitErrorCode as Code
from receivables.directdebit.models import DirectDebitItem, DirectDebitRun, Mandate
from receivables.directdebit.selectors import SEPA_CURRENCY, collectable_invoices
from receivables.directdebit.sepa_file import SCHEMA, Creditor, Debit, pain008

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_ITEMS = 10_000
COLLECTION_DAYS_AHEAD = 366


def creditor() -> Creditor:
    """The company as creditor, from the settings, checked: a run without a valid creditor
    identifier and account is refused, naming the setting."""
    if not settings.O2C_SEPA_CREDITOR_ID:
        raise DomainError(
            "set O2C_SEPA_CREDITOR_ID (the creditor identifier the bank gave the company) first",
            field="creditor_id",
            code=Code.CREDITOR_NOT_CONFIGURED,
        )
    try:
        creditor_id = creditor_id_check(settings.O2C_SEPA_CREDITOR_ID, field="creditor_id")
        account = account_check(iban=settings.O2C_SEPA_CREDITOR_IBAN, bic=settings.O2C_SEPA_CREDITOR_BIC)
    except DomainError as error:
        raise DomainError(
            f"the SEPA creditor settings are wrong: {error.message}",
            field="creditor_id",
            code=Code.CREDITOR_NOT_CONFIGURED,
        ) from None
    if not account.bic:
        raise DomainError(
            "set O2C_SEPA_CREDITOR_BIC: the bank of O2C_SEPA_CREDITOR_IBAN is not known",
            field="creditor_id",
            code=Code.CREDITOR_NOT_CONFIGURED,
        )
    return Creditor(
        name=settings.O2C_COMPANY_NAME, iban=account.iban, bic=account.bic, creditor_id=creditor_id
    )


@transaction.atomic
def direct_debit_run_create(
    *, due_by: date, collection_date: date, scheme: str = Mandate.Scheme.CORE, by: User | None = None
) -> DirectDebitRun:
    """Collect every collectable invoice due by `due_by` on `collection_date` (today or later,
    within a year): one collection per invoice at its open balance, FRST for a mandate's first
    run and RCUR after it; the pain.008 file stored with the run. Nothing to collect is refused."""
    due_by = date_check(due_by, field="due_by")
    collection_date = date_check(collection_date, field="collection_date")
    today = timezone.localdate()
    if collection_date < today:
        raise DomainError(
            "the collection date is today or later",
            field="collection_date",
            code=Code.COLLECTION_DATE_IN_PAST,
        )
    if collection_date > today + timedelta(days=COLLECTION_DAYS_AHEAD):
        raise DomainError(
            "the collection date is at most a year ahead",
            field="collection_date",
            code=Code.COLLECTION_DATE_TOO_FAR,
        )
    if scheme not in Mandate.Scheme.values:
        raise DomainError(
            f"{scheme!r} is not one of {', '.join(Mandate.Scheme.values)}",
            field="scheme",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    company = creditor()
    with connection.cursor() as cursor:  # one run at a time
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended('direct_debit_run', 0))")
    candidate_ids = list(
        collectable_invoices(due_by=due_by, scheme=scheme).values_list("pk", flat=True)[:MAX_ITEMS]
    )
    locks.invoices_lock(invoice_ids=candidate_ids)
    invoices = list(collectable_invoices(due_by=due_by, scheme=scheme).filter(pk__in=candidate_ids))
    active = Mandate.objects.filter(status=Mandate.Status.ACTIVE, scheme=scheme)
    mandate_ids = active.filter(customer_id__in={i.customer_id for i in invoices}).values_list(
        "pk", flat=True
    )
    mandates = {
        m.customer_id: m for m in locks.mandates_lock(mandate_ids=mandate_ids) if m.status == "active"
    }
    invoices = [invoice for invoice in invoices if invoice.customer_id in mandates]
    if not invoices:
        raise DomainError(
            f"no open invoice due by {due_by.isoformat()} of a customer with an active {scheme} mandate "
            "is left to collect (disputed, promised and pending ones are left out)",
            field="due_by",
            code=Code.NOTHING_TO_COLLECT,
        )
    number = sequence_number_next(series="direct_debit_run", on=today)
    message_id = f"O2C-{number}"
    items, debits, total = [], [], ZERO_CENTS
    for position, invoice in enumerate(invoices, start=1):
        mandate = mandates[invoice.customer_id]
        amount: Decimal = invoice.balance
        item = DirectDebitItem(
            invoice_id=invoice.pk,
            customer_id=invoice.customer_id,
            mandate=mandate,
            amount=amount,
            currency=SEPA_CURRENCY,
            sequence=mandate.sequence,
            end_to_end_id=f"{number}-{position:04d}",
        )
        items.append(item)
        debits.append(
            Debit(
                end_to_end_id=item.end_to_end_id,
                amount=amount,
                sequence=item.sequence,
                mandate_reference=mandate.reference,
                mandate_signed_on=mandate.signed_on,
                debtor_name=mandate.debtor_name,
                iban=mandate.iban,
                bic=mandate.bic,
                description=f"{invoice.number} {settings.O2C_COMPANY_NAME}"[:140],
            )
        )
        total += amount
    content = pain008(
        creditor=company,
        scheme=scheme,
        message_id=message_id,
        run_number=number,
        collection_date=collection_date,
        debits=debits,
    )
    run = DirectDebitRun.objects.create(
        number=number,
        due_by=due_by,
        collection_date=collection_date,
        currency=SEPA_CURRENCY,
        total=total,
        items_count=len(items),
        message_id=message_id,
        file_name=f"{number}.xml",
        xml=content.decode(),
        schema=SCHEMA,
        created_by=by,
    )
    for item in items:
        item.run = run
    DirectDebitItem.objects.bulk_create(items)
    # The first collection on a mandate is sent: the next ones are recurring.
    Mandate.objects.filter(pk__in=[m.pk for m in mandates.values()], sequence=Mandate.Sequence.FIRST).update(
        sequence=Mandate.Sequence.RECURRING
    )
    return run
