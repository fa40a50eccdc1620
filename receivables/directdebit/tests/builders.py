"""Helpers of the direct-debit tests: customers with mandates, runs, and the CAMT.053 files of
the bank that collected them (fixtures/, filled with the run's ids)."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

from django.utils import timezone

from receivables.bank import services as bank_services
from receivables.directdebit import runs, services
from receivables.models import BankStatement, DirectDebitItem, DirectDebitRun
from tests.builders import a_customer

FIXTURES = Path(__file__).parent / "fixtures"
# Valid IBANs of German test banks (checksums right; schwifty knows their BICs).
IBANS = [
    "DE02120300000000202051",
    "DE02500105170137075030",
    "DE02100500000054540402",
    "DE89370400440532013000",
]
_references = itertools.count(1)


def a_mandate(customer, *, iban: str = IBANS[0], scheme: str = "CORE", signed_on: date | None = None):
    return services.mandate_create(
        customer_id=customer.pk,
        reference=f"MNDT-{customer.code}-{next(_references)}",
        iban=iban,
        signed_on=signed_on or timezone.localdate(),
        scheme=scheme,
    )


def a_customer_with_mandate(iban: str = IBANS[0], **fields):
    customer = a_customer(payment_terms_days=0, **fields)
    return customer, a_mandate(customer, iban=iban)


def a_run(due_by: date | None = None, collection_date: date | None = None) -> DirectDebitRun:
    today = timezone.localdate()
    return runs.direct_debit_run_create(due_by=due_by or today, collection_date=collection_date or today)


def camt(name: str, **values: str) -> bytes:
    text = (FIXTURES / name).read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    assert "{" not in text.split("-->", 1)[-1], "a placeholder left"
    return text.encode()


def collected_statement(items: list[DirectDebitItem]) -> bytes:
    """The bank's statement crediting the two collections of a run as one batch."""
    one, two = items
    return camt(
        "camt053_direct_debits.xml",
        DATE=timezone.localdate().isoformat(),
        RUN=one.run.number,
        TOTAL=f"{one.amount + two.amount:.2f}",
        **{
            f"{key}_{n}": value
            for n, item in ((1, one), (2, two))
            for key, value in {
                "E2E": item.end_to_end_id,
                "MANDATE": item.mandate.reference,
                "AMOUNT": f"{item.amount:.2f}",
                "DEBTOR": item.mandate.debtor_name,
                "IBAN": item.mandate.iban,
                "INVOICE": item.invoice.number,
            }.items()
        },
    )


def returned_statement(item: DirectDebitItem, code: str) -> bytes:
    return camt(
        "camt053_direct_debit_return.xml",
        DATE=timezone.localdate().isoformat(),
        E2E=item.end_to_end_id,
        MANDATE=item.mandate.reference,
        AMOUNT=f"{item.amount:.2f}",
        DEBTOR=item.mandate.debtor_name,
        INVOICE=item.invoice.number,
        CODE=code,
    )


def import_camt(content: bytes, name: str = "camt.xml") -> BankStatement:
    upload = bank_services.statement_receive(file_name=name, content=content, currency="EUR", by=None)
    assert upload.statement is not None
    return upload.statement
