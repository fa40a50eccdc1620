"""Bank statement files read into plain lines: CSV exports (any bank, by a column mapping) and
ISO 20022 CAMT.053 XML (read with lxml, entry by entry as the standard puts it). Pure: bytes in, `StatementLine`s out, or a `DomainError`
naming the field and the row; nothing here touches the database.

A line's `fingerprint` identifies the same booking in another file: two exports of overlapping
periods share the lines of the overlap, and those are imported once (bank_import.py).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from o2c.errors import DomainError
from o2c.money import round_money
from o2c.parsing import MAX_AMOUNT, date_check, parse_decimal

MAX_LINES = 20_000
DELIMITERS = ",;\t|"
DATE_FORMATS = {  # strptime format → how the clerk sees it
    "%Y-%m-%d": "YYYY-MM-DD",
    "%d.%m.%Y": "DD.MM.YYYY",
    "%d/%m/%Y": "DD/MM/YYYY",
    "%m/%d/%Y": "MM/DD/YYYY",
    "%d-%m-%Y": "DD-MM-YYYY",
    "%d.%m.%y": "DD.MM.YY",
    "%Y%m%d": "YYYYMMDD",
}
# Column names banks use, lower case: the mapping form starts from these guesses.
_COLUMN_HINTS = {
    "date": ("booking date", "buchungstag", "buchungsdatum", "date", "datum", "value date", "valuta"),
    "amount": ("amount", "betrag", "montant", "importe", "bedrag"),
    "reference": (
        "reference",
        "remittance",
        "verwendungszweck",
        "purpose",
        "description",
        "details",
        "memo",
        "text",
    ),
    "counterparty": (
        "counterparty",
        "payer",
        "name",
        "auftraggeber",
        "zahlungspflichtiger",
        "beguenstigter",
        "begünstigter/zahlungspflichtiger",
    ),
}


@dataclass(frozen=True)
class StatementLine:
    booking_date: date
    amount: Decimal  # signed: credits (money in) positive
    currency: str
    reference: str = ""
    counterparty: str = ""
    counterparty_account: str = ""
    bank_reference: str = ""
    reversal: bool = False  # CAMT RvslInd: it reverses an earlier booking, never a customer payment
    note: str = ""  # why the line is not a payment, or how it was read


@dataclass(frozen=True)
class CsvMapping:
    date_column: str
    amount_column: str
    reference_column: str
    counterparty_column: str = ""
    date_format: str = "%Y-%m-%d"
    decimal_comma: bool = False


@dataclass
class CsvTable:
    delimiter: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number in the file, cells)


# ── which kind of file ───────────────────────────────────────────────────────────────────────────


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def looks_like_xml(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


# ── CSV ──────────────────────────────────────────────────────────────────────────────────────────


def _text(content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise DomainError("this is not a CSV file (it holds binary data)", field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # what most bank exports in Europe use
    if "\x00" in text:  # anywhere, not only in the sniffed start: the database cannot store it
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DomainError(
            f"line {line} of the file holds a NUL byte: this is not a text CSV export", field="file"
        )
    return text


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {delimiter: sample.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=counts.get)
        if not counts[best]:
            raise DomainError(
                "no column separator found: the file should be a CSV with , ; tab or | between columns",
                field="file",
            ) from None
        return best


def csv_read(content: bytes, *, delimiter: str | None = None) -> CsvTable:
    """The file's header row and its data rows. Lines before the header that banks put at the
    top (account, period) are skipped: the header is the first row as wide as most rows with
    every column named."""
    text = _text(content)
    if not text.strip():
        raise DomainError("the file is empty", field="file")
    delimiter = delimiter or _delimiter(text)
    try:
        rows = [
            (number, [cell.strip() for cell in row])
            for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as error:
        raise DomainError(f"the file is not valid CSV: {error}", field="file") from None
    width = Counter(len(cells) for _, cells in rows).most_common(1)[0][0]
    if width < 2:
        raise DomainError(
            "the file has a single column: it should have date, amount and reference columns", field="file"
        )
    start = next((index for index, (_, cells) in enumerate(rows) if len(cells) == width and all(cells)), None)
    if start is None:
        raise DomainError(f"no header row found: no row names all of its {width} columns", field="file")
    header = rows[start][1]
    if len({name.casefold() for name in header}) != len(header):
        raise DomainError("the header row names a column twice: " + ", ".join(header), field="file")
    data = rows[start + 1 :]
    if not data:
        raise DomainError("the file has a header row but no lines", field="file")
    if len(data) > MAX_LINES:
        raise DomainError(
            f"the file has {len(data)} lines; import at most {MAX_LINES} at a time", field="file"
        )
    for number, cells in data:
        if len(cells) != width:
            raise DomainError(
                f"row {number} has {len(cells)} columns where the header has {width}", field="file"
            )
    return CsvTable(delimiter=delimiter, header=header, rows=data)


def header_signature(header: list[str]) -> str:
    """What identifies a bank's CSV layout: its header row, trimmed and case-folded."""
    normalised = "\x1f".join(" ".join(name.split()).casefold() for name in header)
    return hashlib.sha256(normalised.encode()).hexdigest()


def mapping_guess(table: CsvTable) -> CsvMapping:
    """A first guess at the mapping from the column names and the first values."""
    lowered = {name.lower(): name for name in table.header}

    def pick(kind: str, exclude: set[str]) -> str:
        for hint in _COLUMN_HINTS[kind]:
            for name_lower, name in lowered.items():
                if name not in exclude and (name_lower == hint or hint in name_lower):
                    return name
        return ""

    date_column = pick("date", set())
    amount_column = pick("amount", {date_column})
    reference_column = pick("reference", {date_column, amount_column})
    counterparty_column = pick("counterparty", {date_column, amount_column, reference_column})
    date_format = "%Y-%m-%d"
    decimal_comma = False
    if date_column:
        values = _column(table, date_column)[:20]
        date_format = next(
            (fmt for fmt in DATE_FORMATS if values and all(_date_or_none(v, fmt) for v in values)),
            date_format,
        )
    if amount_column:
        decimal_comma = any(re.search(r",\d{1,2}\s*-?$", v) for v in _column(table, amount_column)[:20])
    return CsvMapping(
        date_column=date_column,
        amount_column=amount_column,
        reference_column=reference_column,
        counterparty_column=counterparty_column,
        date_format=date_format,
        decimal_comma=decimal_comma,
    )


def _column(table: CsvTable, name: str) -> list[str]:
    index = table.header.index(name)
    return [cells[index] for _, cells in table.rows]


def _date_or_none(value: str, fmt: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), fmt).date()
    except ValueError:
        return None


# digits, thousands grouped by three or not at all, at most two decimals
_GROUPED_POINT = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
_GROUPED_COMMA = re.compile(r"^(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$")


def amount_parse(value: str, *, decimal_comma: bool) -> Decimal:
    """'1.234,56' (decimal comma), '1,234.56', '-12.00', '12.00-', '(12.00)', '+5', '€ 7,50' …"""
    text = re.sub(r"[\s\u00a0'’]|EUR|USD|GBP|CHF|[€$£]", "", value.strip(), flags=re.IGNORECASE)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = True, text[:-1]
    if text and text[0] in "+-":
        negative, text = negative or text[0] == "-", text[1:]
    grouped = _GROUPED_COMMA if decimal_comma else _GROUPED_POINT
    if not grouped.match(text):
        raise ValueError(value)
    text = text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", "")
    try:
        amount = round_money(Decimal(text))
    except InvalidOperation:
        raise ValueError(value) from None
    return -amount if negative else amount


def csv_lines(table: CsvTable, mapping: CsvMapping, *, currency: str) -> list[StatementLine]:
    """Every row read by the mapping; the first row that does not read stops it, named."""
    columns = {
        "date_column": mapping.date_column,
        "amount_column": mapping.amount_column,
        "reference_column": mapping.reference_column,
        "counterparty_column": mapping.counterparty_column,
    }
    index = {}
    for field_name, column in columns.items():
        if not column:
            if field_name != "counterparty_column":
                raise DomainError("choose the column", field=field_name)
            continue
        if column not in table.header:
            raise DomainError(
                f"the file has no column '{column}'; its columns are: {', '.join(table.header)}",
                field=field_name,
            )
        index[field_name] = table.header.index(column)
    if mapping.date_format not in DATE_FORMATS:
        raise DomainError("choose one of the date formats", field="date_format")
    lines = []
    for number, cells in table.rows:
        raw_date = cells[index["date_column"]]
        booking_date = _date_or_none(raw_date, mapping.date_format)
        if booking_date is None:
            raise DomainError(
                f"row {number}: the date '{raw_date}' is not {DATE_FORMATS[mapping.date_format]}",
                field="date_format",
            )
        raw_amount = cells[index["amount_column"]]
        try:
            amount = amount_parse(raw_amount, decimal_comma=mapping.decimal_comma)
        except ValueError:
            hint = " (is the decimal separator a comma?)" if not mapping.decimal_comma else ""
            raise DomainError(
                f"row {number}: '{raw_amount}' is not an amount{hint}", field="amount_column"
            ) from None
        if abs(amount) >= Decimal("1e15"):
            raise DomainError(f"row {number}: the amount {raw_amount} is too large", field="amount_column")
        lines.append(
            StatementLine(
                booking_date=booking_date,
                amount=amount,
                currency=currency,
                reference=cells[index["reference_column"]][:500],
                counterparty=(
                    cells[index["counterparty_column"]][:200] if "counterparty_column" in index else ""
                ),
            )
        )
    return lines


# ── CAMT.053 ─────────────────────────────────────────────────────────────────────────────────────
#
# Read as ISO 20022 puts it (camt.053.001.02 to .13; camt.052 reports read the same way):
# - an entry (`Ntry`) is what the bank booked: its `Amt` (never negative) and `CdtDbtInd` give the
#   amount and the direction. `RvslInd` true only says the entry reverses an earlier one (a
#   returned direct debit is DBIT with RvslInd true): it never turns a DBIT into money in.
# - an entry of several transactions (a batch) is one line per `TxDtls`, each at its own amount:
#   `TxDtls/Amt` (v04 on), else `AmtDtls/TxAmt/Amt`, else `AmtDtls/InstdAmt/Amt` in the entry's
#   currency; a transaction's own `CdtDbtInd` gives its direction. When an amount is missing or
#   the transactions do not add up to the entry, the entry is one line at the entry's amount.
# - an entry of one transaction is one line at the entry's amount (`InstdAmt` may be in another
#   currency, and charges have amounts of their own).
# Each element is read at its place in the schema, never by searching descendants: a search for
# `.//Amt` finds the charges or the instructed amount as readily as the amount booked.

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


class _Camt:
    """Paths in the document's namespace (camt.053.001.xx), whatever its version."""

    def __init__(self, root) -> None:
        self.ns = {"c": etree.QName(root).namespace or ""}

    def all(self, element, path: str) -> list:
        return element.findall(self._qualified(path), self.ns)

    def one(self, element, path: str):
        return element.find(self._qualified(path), self.ns)

    def text(self, element, *paths: str) -> str:
        for path in paths:
            found = self.one(element, path)
            if found is not None and (found.text or "").strip():
                return " ".join(found.text.split())
        return ""

    @staticmethod
    def _qualified(path: str) -> str:
        return "/".join(step if step in (".", "..") else f"c:{step}" for step in path.split("/"))


def camt053_lines(content: bytes) -> list[StatementLine]:
    """The booked entries of a CAMT.053 statement, one line per transaction (a batch entry's
    transactions each on its own line, when their amounts add up to the entry). A file that
    declares a DTD or entities is refused before it is parsed: bank statements never do, and an
    XML bomb or an external entity would; the parser itself resolves no entity and reads nothing
    from the network either."""
    if _DTD.search(content[:65536]):
        raise DomainError(
            "the XML file declares a DTD or entities; a CAMT.053 statement does not", field="file"
        )
    try:
        root = etree.fromstring(content, parser=_XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise DomainError(f"the file is not well-formed XML: {error}", field="file") from None
    root_namespace = etree.QName(root).namespace or ""
    if "camt.053" not in root_namespace and "camt.052" not in root_namespace:
        raise DomainError(
            f"the XML file is not a CAMT.053 bank statement (its namespace is '{root_namespace or 'none'}')",
            field="file",
        )
    camt = _Camt(root)
    statements = camt.all(root, "BkToCstmrStmt/Stmt") or camt.all(root, "BkToCstmrAcctRpt/Rpt")
    if not statements:
        raise DomainError("the CAMT.053 file holds no statement", field="file")
    lines: list[StatementLine] = []
    number = 0
    for statement in statements:
        account_currency = camt.text(statement, "Acct/Ccy").upper()
        for entry in camt.all(statement, "Ntry"):
            number += 1
            status = camt.text(entry, "Sts/Cd", "Sts").upper() or "BOOK"
            if status != "BOOK":
                continue  # pending or information only: not money on the account yet
            lines.extend(_camt_entry_lines(camt, entry, number, account_currency))
            if len(lines) > MAX_LINES:
                raise DomainError(
                    f"the file has more than {MAX_LINES} lines; import at most {MAX_LINES} at a time",
                    field="file",
                )
    if not lines:
        raise DomainError("the CAMT.053 file has no booked entries", field="file")
    return lines


def _camt_amount(camt: _Camt, element, path: str, *, where: str) -> tuple[Decimal, str] | None:
    """The amount at `path` and its currency; a value that is not a finite amount of at most two
    decimals within MAX_AMOUNT (NaN, Infinity, 1e30, -5) refuses the file, naming the entry."""
    found = camt.one(element, path)
    if found is None:
        return None
    raw = (found.text or "").strip()
    try:
        amount = parse_decimal(raw, field="file", minimum=Decimal("0"))
    except DomainError as error:
        raise DomainError(
            f"{where}: the amount '{raw[:40]}' cannot be read ({error.message}; "
            f"an amount is at most {MAX_AMOUNT} with two decimals)",
            field="file",
        ) from None
    return amount, (found.get("Ccy") or "").strip().upper()[:3]


def _camt_entry_lines(camt: _Camt, entry, number: int, account_currency: str) -> list[StatementLine]:
    where = f"entry {number}"
    booked = _camt_amount(camt, entry, "Amt", where=where)
    if booked is None:
        raise DomainError(f"{where}: the entry has no amount (Amt)", field="file")
    amount, currency = booked
    currency = currency or account_currency
    direction = camt.text(entry, "CdtDbtInd").upper()
    if direction not in ("CRDT", "DBIT"):
        raise DomainError(
            f"{where}: the credit/debit indicator is '{direction}', not CRDT or DBIT", field="file"
        )
    raw_date = camt.text(entry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm")
    try:
        booking_date = date_check(date.fromisoformat(raw_date[:10]), field="file")
    except (ValueError, DomainError):
        raise DomainError(
            f"{where}: the booking date '{raw_date[:40]}' cannot be read", field="file"
        ) from None
    reversal = camt.text(entry, "RvslInd").lower() in ("true", "1")
    transactions = [tx for details in camt.all(entry, "NtryDtls") for tx in camt.all(details, "TxDtls")]
    entry_reference = camt.text(entry, "AcctSvcrRef")
    base = {
        "booking_date": booking_date,
        "currency": currency,
        "reversal": reversal,
    }
    signed_entry = amount if direction == "CRDT" else -amount
    if len(transactions) > 1:
        parts = []
        for index, tx in enumerate(transactions, start=1):
            tx_where = f"{where}, transaction {index}"
            own = (
                _camt_amount(camt, tx, "Amt", where=tx_where)
                or _camt_amount(camt, tx, "AmtDtls/TxAmt/Amt", where=tx_where)
                or _camt_amount(camt, tx, "AmtDtls/InstdAmt/Amt", where=tx_where)
            )
            if own is None or (own[1] and own[1] != currency):
                parts = []
                break
            tx_direction = camt.text(tx, "CdtDbtInd").upper() or direction
            parts.append((tx, own[0] if tx_direction == "CRDT" else -own[0]))
        if parts and sum(signed for _, signed in parts) == signed_entry:
            return [
                _camt_line(camt, tx, signed=signed, entry_reference=entry_reference, **base)
                for tx, signed in parts
            ]
        return [
            _camt_line(
                camt,
                None,
                signed=signed_entry,
                entry_reference=entry_reference,
                merged=transactions,
                **base,
            )
        ]
    return [
        _camt_line(
            camt,
            transactions[0] if transactions else None,
            signed=signed_entry,
            entry_reference=entry_reference,
            **base,
        )
    ]


def _camt_references(camt: _Camt, tx) -> list[str]:
    """Unstructured remittance lines, the creditor reference (or else the first line), the
    additional remittance text and the end-to-end id, each once."""
    unstructured = [" ".join((u.text or "").split()) for u in camt.all(tx, "RmtInf/Ustrd")]
    found = [
        " ".join(part for part in unstructured if part),
        camt.text(tx, "RmtInf/Strd/CdtrRefInf/Ref") or (unstructured[0] if unstructured else ""),
        camt.text(tx, "RmtInf/Strd/AddtlRmtInf"),
    ]
    end_to_end = camt.text(tx, "Refs/EndToEndId")
    if end_to_end.upper() != "NOTPROVIDED":
        found.append(end_to_end)
    references: list[str] = []
    for value in found:
        if value and not any(value in seen for seen in references):
            references.append(value)
    return references


def _camt_party(camt: _Camt, tx, role: str) -> tuple[str, str]:
    """Name and IBAN of the debtor or creditor (`Dbtr/Nm` up to v07, `Dbtr/Pty/Nm` from v08)."""
    if tx is None:
        return "", ""
    name = camt.text(tx, f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm")
    iban = camt.text(tx, f"RltdPties/{role}Acct/Id/IBAN")
    return name, iban


def _camt_line(
    camt: _Camt,
    tx,
    *,
    signed: Decimal,
    booking_date: date,
    currency: str,
    reversal: bool,
    entry_reference: str,
    merged: list | None = None,
) -> StatementLine:
    sources = merged if merged is not None else ([tx] if tx is not None else [])
    references: list[str] = []
    for source in sources:
        for value in _camt_references(camt, source):
            if not any(value in seen for seen in references):
                references.append(value)
    first = sources[0] if sources else None
    name, iban = _camt_party(camt, first, "Dbtr" if signed > 0 else "Cdtr")
    reason = camt.text(first, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry") if first is not None else ""
    bank_reference = entry_reference or (camt.text(first, "Refs/AcctSvcrRef") if first is not None else "")
    return StatementLine(
        booking_date=booking_date,
        amount=signed,
        currency=currency,
        reference=" / ".join(references)[:500],
        counterparty=name[:200],
        counterparty_account=iban[:50],
        bank_reference=bank_reference[:100],
        reversal=reversal,
        note=_camt_note(signed=signed, reversal=reversal, reason=reason, merged=merged),
    )


def _camt_note(*, signed: Decimal, reversal: bool, reason: str, merged: list | None) -> str:
    """Why a line is not a customer payment, or how it was read; empty for a plain credit."""
    because = f" (return reason {reason})" if reason else ""
    if reversal and signed < 0:
        return f"a reversal booked as a debit{because}, such as a returned direct debit: money out, not a customer payment"
    if reversal:
        return f"a reversal of an earlier debit{because}: not a customer payment"
    if signed < 0:
        return "a debit: not a customer payment"
    if signed == 0:
        return "a zero amount: nothing to record"
    if merged:
        return f"a batch of {len(merged)} transactions whose amounts do not add up to the entry: one line for the entry"
    return ""


# ── the same line in another file ────────────────────────────────────────────────────────────────


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def fingerprints(lines: list[StatementLine]) -> list[str]:
    """One per line, equal for the same booking in any export of the account: its date, amount,
    currency, reference, counterparty and bank reference, and which of identical lines it is."""
    seen: Counter = Counter()
    result = []
    for line in lines:
        key = "|".join(
            [
                line.booking_date.isoformat(),
                f"{line.amount:.2f}",
                line.currency.upper(),
                _fold(line.reference),
                _fold(line.counterparty),
                _fold(line.bank_reference),
            ]
        )
        result.append(hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest())
        seen[key] += 1
    return result
