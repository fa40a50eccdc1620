"""Helpers of the bank statement tests: CSV files made here, importing and recording them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from receivables.bank import services as bank_services
from receivables.bank.files import (
    CsvMapping,
    csv_read,
    header_signature,
)
from receivables.bank.tasks import bank_statement_record_start
from receivables.models import BankStatement, BankStatementLine

D = Decimal


FIXTURES = Path(__file__).parent / "fixtures"


LIST = reverse("receivables:bank-statements")


Line = BankStatementLine.Status


MAPPING = CsvMapping(
    date_column="Date", amount_column="Amount", reference_column="Reference", counterparty_column="Payer"
)


def csv_file(*rows: tuple, header=("Date", "Amount", "Reference", "Payer"), delimiter=",") -> bytes:
    text = delimiter.join(header) + "\n"
    for row in rows:
        text += delimiter.join(f'"{cell}"' if delimiter in str(cell) else str(cell) for cell in row) + "\n"
    return text.encode()


def today() -> str:
    return timezone.localdate().isoformat()


def import_csv(content: bytes, mapping: CsvMapping = MAPPING, name: str = "bank.csv") -> BankStatement:
    return bank_services.csv_import(file_name=name, content=content, mapping=mapping, currency="EUR", by=None)


def remember_layout() -> None:
    """The bank's CSV layout (csv_file's header) as mapped before."""
    content = csv_file((today(), "1.00", "x", "y"))
    bank_services.bank_mapping_remember(
        header_signature=header_signature(csv_read(content).header),
        delimiter=",",
        **{name: value for name, value in MAPPING.__dict__.items()},
    )


def lines_of(statement: BankStatement) -> list[BankStatementLine]:
    return list(statement.lines.order_by("line_no"))


def record(statement: BankStatement, django_capture_on_commit_callbacks, by=None) -> BankStatement:
    with django_capture_on_commit_callbacks(execute=True):
        bank_statement_record_start(statement_id=statement.pk, by=by)
    statement.refresh_from_db()
    return statement
