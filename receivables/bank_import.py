"""Bank statement import: a CSV or CAMT.053 file becomes a statement whose lines are matched to
customers and invoices, for the clerk to confirm or correct; confirmed lines are then recorded
as payments by a task (receivables/bank_tasks.py), each through o2c.pipeline.bank_line_record.

Nothing is recorded twice. The same file again (by its sha256) shows the statement it made; a
later export that overlaps an earlier one brings the lines of the overlap marked "already
recorded" (by their fingerprint, bankfiles.fingerprints) and never as payments.

Reading files is receivables/bankfiles.py, matching receivables/bank_matching.py; here are the
import, the reads of the review page and the clerk's decisions on its lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from customers.selectors import customer_list
from invoicing.selectors import invoice_rows
from o2c import locks
from o2c.errors import Conflict, DomainError
from receivables import services
from receivables.bank_matching import lines_match
from receivables.bankfiles import (
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
from receivables.models import BankColumnMapping, BankStatement, BankStatementLine

ZERO = Decimal("0.00")
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


def statement_upload(*, file_name: str, content: bytes, currency: str, remap: bool = False, by) -> Upload:
    """Import a CAMT.053 file, or a CSV whose layout a remembered mapping knows; a CSV of a new
    layout (or with `remap`) is kept aside until the clerk maps its columns (csv_import)."""
    if not content:
        raise DomainError("the file is empty", field="file")
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", field="file")
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
    table = csv_read(content)
    mapping = BankColumnMapping.objects.filter(header_signature=header_signature(table.header)).first()
    if mapping is None or remap:
        return Upload(pending=pending_keep(content), table=table)
    statement = csv_import(
        file_name=file_name, content=content, mapping=mapping_of(mapping), currency=currency, by=by
    )
    return Upload(statement=statement, already_imported=False)


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
    *, file_name: str, content: bytes, mapping: CsvMapping, currency: str, mapping_name: str = "", by
) -> BankStatement:
    """Read a CSV by `mapping`, remember the mapping for its header, and import it. A file that
    does not read saves nothing, not even the mapping."""
    currency = (currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise DomainError("give the statement's currency as a three-letter code", field="currency")
    table = csv_read(content)
    lines = csv_lines(table, mapping, currency=currency)
    with transaction.atomic():
        remembered = services.bank_mapping_remember(
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
    *, file_name: str, sha: str, format: str, lines: list[StatementLine], mapping=None, by
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
            }
            if fingerprint in seen:
                earlier_line = seen[fingerprint]
                rows.append(
                    {
                        **row,
                        # the fingerprint stays unique: this copy is told apart by the file
                        "fingerprint": file_sha256(f"{fingerprint}:copy-in:{sha}".encode()),
                        "status": Line.DUPLICATE,
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
                }
            )
        statement = services.bank_statement_create(
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
        raise DomainError("the uploaded file is no longer there; upload it again", field="file")
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def pending_discard(sha: str) -> None:
    name = f"{PENDING_FOLDER}/{sha}.csv"
    if _SHA.match(sha or "") and default_storage.exists(name):
        default_storage.delete(name)


# ── review: reads ────────────────────────────────────────────────────────────────────────────────


def statement_list():
    """Statements with their line counts and credit totals (one query)."""
    return (
        BankStatement.objects.select_related("uploaded_by", "mapping")
        .annotate(
            line_count=Count("lines"),
            credits=Sum("lines__amount", filter=Q(lines__amount__gt=0)),
            recorded=Count("lines", filter=Q(lines__status=Line.RECORDED)),
            to_confirm=Count("lines", filter=Q(lines__status__in=[Line.MATCHED, Line.UNMATCHED])),
        )
        .order_by("-uploaded_at", "-pk")
    )


def statement_get(*, statement_id: int) -> BankStatement:
    return BankStatement.objects.select_related("uploaded_by", "mapping").get(pk=statement_id)


def statement_counts(*, statement_id: int) -> dict[str, dict]:
    """Per line status: how many lines and their total."""
    counts = {status: {"count": 0, "total": ZERO} for status in Line.values}
    for row in (
        BankStatementLine.objects.filter(statement_id=statement_id)
        .values("status")
        .annotate(count=Count("pk"), total=Sum("amount"))
    ):
        counts[row["status"]] = {"count": row["count"], "total": row["total"]}
    return counts


def statement_lines(*, statement_id: int, status: str | None = None):
    lines = BankStatementLine.objects.filter(statement_id=statement_id).select_related("customer", "payment")
    if status:
        lines = lines.filter(status=status)
    return lines.order_by("line_no")


def lines_with_invoices(lines) -> list[BankStatementLine]:
    """The lines, each with `allocation_rows` [(invoice number, Decimal amount)], reading the
    invoice numbers of all of them in one query."""
    lines = list(lines)
    ids = {int(item["invoice"]) for line in lines for item in line.allocations}
    numbers = dict(invoice_rows().filter(pk__in=ids).values_list("pk", "number")) if ids else {}
    for line in lines:
        line.allocation_rows = [
            (numbers.get(int(item["invoice"]), f"#{item['invoice']}"), Decimal(item["amount"]))
            for item in line.allocations
        ]
        line.allocated = sum((amount for _, amount in line.allocation_rows), ZERO)
        line.unapplied = line.amount - line.allocated if line.amount > 0 else ZERO
    return lines


def line_get(*, statement_id: int, line_id: int) -> BankStatementLine:
    """One line of a statement (with `allocation_rows`); DoesNotExist when it is not there."""
    lines = lines_with_invoices(statement_lines(statement_id=statement_id).filter(pk=line_id))
    if not lines:
        raise BankStatementLine.DoesNotExist(f"no line {line_id} in statement {statement_id}")
    return lines[0]


# ── review: the clerk's decisions ────────────────────────────────────────────────────────────────

ACTIONS = ("confirm", "unconfirm", "ignore", "restore", "save")


@transaction.atomic
def line_decide(
    *,
    statement_id: int,
    line_id: int,
    action: str,
    customer_code: str | None = None,
    allocations: dict[int, str] | None = None,
    confirm: bool = False,
    by=None,
) -> BankStatementLine:
    """Confirm, unconfirm, ignore or restore a line, or save the clerk's customer and
    allocations for it (and confirm it with `confirm`)."""
    if action not in ACTIONS:
        raise DomainError(f"action must be one of {', '.join(ACTIONS)}", field="action")
    line = locks.bank_line_lock(line_id=line_id, statement_id=statement_id)
    if action == "confirm":
        if line.customer_id is None:
            raise DomainError("choose the customer first", field="customer")
        return services.bank_line_set(line=line, status=Line.CONFIRMED)
    if action == "unconfirm":
        return services.bank_line_set(line=line, status=Line.MATCHED if line.customer_id else Line.UNMATCHED)
    if action == "ignore":
        return services.bank_line_set(line=line, status=Line.IGNORED)
    if action == "restore":
        if line.amount <= 0:
            raise Conflict("a debit is not a customer payment; it stays ignored")
        return services.bank_line_set(line=line, status=Line.MATCHED if line.customer_id else Line.UNMATCHED)
    if line.amount <= 0:
        raise Conflict("a debit is not a customer payment; it cannot go to a customer")
    code = (customer_code or "").strip()
    if not code:
        return services.bank_line_set(
            line=line,
            status=Line.UNMATCHED,
            customer_id=0,
            allocations=[],
            note="customer cleared by the clerk",
        )
    customer = customer_list(filters={"code": code}).first()
    if customer is None:
        raise DomainError(f"there is no customer with the code {code}", field="customer")
    if customer.currency != line.currency:
        raise DomainError(
            f"{customer.code} pays in {customer.currency}; the line is in {line.currency}", field="customer"
        )
    chosen = _allocations_checked(line=line, customer_id=customer.pk, allocations=allocations or {})
    who = getattr(by, "username", "") or "the clerk"
    return services.bank_line_set(
        line=line,
        status=Line.CONFIRMED if confirm else Line.MATCHED,
        customer_id=customer.pk,
        allocations=chosen,
        note=f"{customer.code} and allocations chosen by {who}",
    )


def _allocations_checked(*, line, customer_id: int, allocations: dict[int, str]) -> list[dict]:
    """The clerk's amounts per invoice: positive, on open invoices of the customer, each within
    the balance, together within the line's amount. Blank or zero amounts leave an invoice out."""
    wanted = {}
    for invoice_id, raw in allocations.items():
        if str(raw or "").strip() in ("", "0", "0.0", "0.00"):
            continue
        wanted[int(invoice_id)] = services.amount_clean(
            str(raw).strip().replace(",", "."), field="allocations"
        )
    invoices = {
        invoice["pk"]: invoice
        for invoice in invoice_rows()
        .filter(pk__in=wanted, customer_id=customer_id, balance__gt=0)
        .values("pk", "number", "balance")
    }
    for invoice_id, amount in wanted.items():
        invoice = invoices.get(invoice_id)
        if invoice is None:
            raise DomainError(
                f"invoice {invoice_id} is not an open invoice of this customer", field="allocations"
            )
        if amount > invoice["balance"]:
            raise DomainError(
                f"{amount} is more than the {invoice['balance']} open on {invoice['number']}",
                field="allocations",
            )
    total = sum(wanted.values(), ZERO)
    if total > line.amount:
        raise DomainError(f"{total} allocated but the line is {line.amount}", field="allocations")
    return [{"invoice": invoice_id, "amount": f"{amount:.2f}"} for invoice_id, amount in wanted.items()]


@transaction.atomic
def matched_confirm(*, statement_id: int) -> int:
    """Confirm every matched line of the statement at once."""
    confirmed = services.bank_lines_confirm_matched(statement_id=statement_id)
    services.bank_statement_settle(statement_id=statement_id)
    return confirmed


def confirmed_line_ids(*, statement_id: int) -> list[int]:
    return list(
        BankStatementLine.objects.filter(statement_id=statement_id, status=Line.CONFIRMED)
        .order_by("line_no")
        .values_list("pk", flat=True)
    )
