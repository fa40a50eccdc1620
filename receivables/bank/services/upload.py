"""Bank statement import: a CSV or CAMT.053 file becomes a statement whose lines are matched to
customers and invoices, for the clerk to confirm or correct (review.py); confirmed lines are then
recorded as payments by a task (receivables/bank/tasks.py), each through
o2c.pipeline.bank_line_record.

Nothing is recorded twice. The same file again (by its sha256) shows the statement it made; a
later export that overlaps an earlier one brings the lines of the overlap marked "already
recorded" (by their fingerprint, bank/files fingerprints) and never as payments.

Reading files is receivables/bank/files/, matching receivables/bank/matching.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from o2c.errors import DomainError, KernelErrorCode
from receivables.bank.errors import BankErrorCode
from receivables.bank.files import (
    CsvMapping,
    CsvTable,
    StatementLine,
    camt053_lines,
    csv_lines,
    csv_read,
    file_sha256,
    fingerprints,
    header_signature,
    looks_like_xml,
)
from receivables.bank.matching import lines_match
from receivables.bank.models import BankColumnMapping, BankStatement, BankStatementLine
from receivables.bank.services.lines import bank_mapping_remember, bank_statement_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Line = BankStatementLine.Status
MAX_FILE_BYTES = 10 * 1024 * 1024
PENDING_FOLDER = "bank-uploads"
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Upload:
    """What an upload led to: a new statement, the statement the same file made before, or a
    CSV whose layout is new and needs its column mapping (kept meanwhile under `pending`)."""

    statement: BankStatement | None = None
    already_imported: bool = False
    pending: str = ""
    table: CsvTable | None = None


# ── upload ───────────────────────────────────────────────────────────────────────────────────────


def statement_upload(
    *, file_name: str, content: bytes, currency: str, remap: bool = False, by: User | None
) -> Upload:
    """Import a CAMT.053 file, or a CSV whose layout a remembered mapping knows; a CSV of a new
    layout (or with `remap`) is kept aside until the clerk maps its columns (csv_import)."""
    known = _known_or_camt(file_name=file_name, content=content, by=by)
    if known is not None:
        return known
    table = csv_read(content)
    mapping = BankColumnMapping.objects.filter(header_signature=header_signature(table.header)).first()
    if mapping is None or remap:
        return Upload(pending=pending_keep(content), table=table)
    statement = csv_import(
        file_name=file_name, content=content, mapping=mapping_of(mapping), currency=currency, by=by
    )
    return Upload(statement=statement, already_imported=False)


def statement_receive(
    *, file_name: str, content: bytes, currency: str, mapping: CsvMapping | None = None, by: User | None
) -> Upload:
    """The API's import, which keeps nothing aside: a CAMT.053 file, or a CSV read by `mapping`
    (then remembered for its layout) or by the mapping remembered for its layout. A CSV of a
    layout never mapped is refused, naming `file`, and nothing is written."""
    known = _known_or_camt(file_name=file_name, content=content, by=by)
    if known is not None:
        return known
    table = csv_read(content)
    if mapping is None:
        remembered = mapping_known(table)
        if remembered is None:
            raise DomainError(
                "this CSV layout has no column mapping yet: map its columns once on the bank statements "
                "page (or send date_column, amount_column and reference_column with the file)",
                field="file",
                code=BankErrorCode.CSV_MAPPING_NEEDED,
            )
        mapping = mapping_of(remembered)
    statement = csv_import(file_name=file_name, content=content, mapping=mapping, currency=currency, by=by)
    return Upload(statement=statement)


def _known_or_camt(*, file_name: str, content: bytes, by: User | None) -> Upload | None:
    """The statement the same file made before, or a CAMT.053 file imported; None for a CSV."""
    if not content:
        raise DomainError("the file is empty", field="file", code=BankErrorCode.EMPTY_FILE)
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(
            f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
            field="file",
            code=BankErrorCode.FILE_TOO_LARGE,
        )
    sha = file_sha256(content)
    earlier = BankStatement.objects.filter(file_sha256=sha).first()
    if earlier is not None:
        return Upload(statement=earlier, already_imported=True)
    if looks_like_xml(content):
        statement, created = _statement_create(
            file_name=file_name,
            sha=sha,
            format=BankStatement.Format.CAMT053,
            lines=camt053_lines(content),
            by=by,
        )
        return Upload(statement=statement, already_imported=not created)
    return None


def mapping_of(mapping: BankColumnMapping) -> CsvMapping:
    return CsvMapping(
        date_column=mapping.date_column,
        amount_column=mapping.amount_column,
        reference_column=mapping.reference_column,
        counterparty_column=mapping.counterparty_column,
        date_format=mapping.date_format,
        decimal_comma=mapping.decimal_comma,
    )


def mapping_known(table: CsvTable) -> BankColumnMapping | None:
    return BankColumnMapping.objects.filter(header_signature=header_signature(table.header)).first()


def csv_import(
    *,
    file_name: str,
    content: bytes,
    mapping: CsvMapping,
    currency: str,
    mapping_name: str = "",
    by: User | None,
) -> BankStatement:
    """Read a CSV by `mapping`, remember the mapping for its header, and import it. A file that
    does not read saves nothing, not even the mapping."""
    currency = (currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise DomainError(
            "give the statement's currency as a three-letter code",
            field="currency",
            code=KernelErrorCode.INVALID_CURRENCY,
        )
    table = csv_read(content)
    lines = csv_lines(table, mapping, currency=currency)
    with transaction.atomic():
        remembered = bank_mapping_remember(
            header_signature=header_signature(table.header),
            name=mapping_name[:100],
            delimiter=table.delimiter,
            date_column=mapping.date_column,
            date_format=mapping.date_format,
            amount_column=mapping.amount_column,
            decimal_comma=mapping.decimal_comma,
            reference_column=mapping.reference_column,
            counterparty_column=mapping.counterparty_column,
        )
        statement, _ = _statement_create(
            file_name=file_name,
            sha=file_sha256(content),
            format=BankStatement.Format.CSV,
            lines=lines,
            mapping=remembered,
            by=by,
        )
    return statement


def _statement_create(
    *,
    file_name: str,
    sha: str,
    format: str,
    lines: list[StatementLine],
    mapping: BankColumnMapping | None = None,
    by: User | None,
) -> tuple[BankStatement, bool]:
    """The statement with its lines matched, in one transaction. Imports queue behind one
    advisory lock, so two overlapping files uploaded at once still import each line once."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended('bank_statement_import', 0))")
        earlier = BankStatement.objects.filter(file_sha256=sha).first()
        if earlier is not None:
            return earlier, False
        prints = fingerprints(lines)
        seen = {
            row["fingerprint"]: row
            for row in BankStatementLine.objects.filter(fingerprint__in=prints).values(
                "fingerprint", "line_no", "statement_id", "statement__file_name"
            )
        }
        fresh = [line for line, fingerprint in zip(lines, prints, strict=True) if fingerprint not in seen]
        matches = iter(lines_match(fresh))
        rows = []
        for line, fingerprint in zip(lines, prints, strict=True):
            row = {
                "booking_date": line.booking_date,
                "amount": line.amount,
                "currency": line.currency,
                "reference": line.reference,
                "counterparty": line.counterparty,
                "counterparty_account": line.counterparty_account,
                "bank_reference": line.bank_reference,
                "return_code": line.return_code,
            }
            if fingerprint in seen:
                earlier_line = seen[fingerprint]
                rows.append(
                    {
                        **row,
                        # the fingerprint stays unique: this copy is told apart by the file
                        "fingerprint": file_sha256(f"{fingerprint}:copy-in:{sha}".encode()),
                        "status": Line.DUPLICATE,
                        "match_reason": BankStatementLine.Reason.DUPLICATE,
                        "match_note": (
                            f"imported before: line {earlier_line['line_no']} of "
                            f"{earlier_line['statement__file_name']}"
                        )[:200],
                    }
                )
                continue
            match = next(matches)
            rows.append(
                {
                    **row,
                    "fingerprint": fingerprint,
                    "status": match.status,
                    "customer_id": match.customer_id,
                    "allocations": match.allocations,
                    "match_note": match.note[:200],
                    "match_reason": match.reason,
                }
            )
        statement = bank_statement_create(
            file_name=file_name, file_sha256=sha, format=format, mapping=mapping, lines=rows, by=by
        )
    return statement, True


# ── a CSV waiting for its column mapping ─────────────────────────────────────────────────────────


def pending_keep(content: bytes) -> str:
    sha = file_sha256(content)
    name = f"{PENDING_FOLDER}/{sha}.csv"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))
    return sha


def pending_read(sha: str) -> bytes:
    name = f"{PENDING_FOLDER}/{sha}.csv"
    if not _SHA.match(sha or "") or not default_storage.exists(name):
        raise DomainError(
            "the uploaded file is no longer there; upload it again",
            field="file",
            code=BankErrorCode.FILE_GONE,
        )
    with default_storage.open(name, "rb") as stored:
        content: bytes = stored.read()
        return content


def pending_discard(sha: str) -> None:
    name = f"{PENDING_FOLDER}/{sha}.csv"
    if _SHA.match(sha or "") and default_storage.exists(name):
        default_storage.delete(name)
