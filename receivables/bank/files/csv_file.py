"""CSV bank statements: any bank's export, read by a column mapping (guessed from the header,
then confirmed by the clerk and remembered by the header's signature)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from o2c.errors import DomainError, KernelErrorCode
from o2c.money import round_money
from receivables.bank.errors import BankErrorCode
from receivables.bank.files.lines import MAX_LINES, StatementLine

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


def _text(content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise DomainError(
            "this is not a CSV file (it holds binary data)", field="file", code=BankErrorCode.INVALID_FILE
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # what most bank exports in Europe use
    if "\x00" in text:  # anywhere, not only in the sniffed start: the database cannot store it
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DomainError(
            f"line {line} of the file holds a NUL byte: this is not a text CSV export",
            field="file",
            code=BankErrorCode.INVALID_FILE,
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
                code=BankErrorCode.INVALID_FILE,
            ) from None
        return best


def csv_read(content: bytes, *, delimiter: str | None = None) -> CsvTable:
    """The file's header row and its data rows. Lines before the header that banks put at the
    top (account, period) are skipped: the header is the first row as wide as most rows with
    every column named."""
    text = _text(content)
    if not text.strip():
        raise DomainError("the file is empty", field="file", code=BankErrorCode.EMPTY_FILE)
    delimiter = delimiter or _delimiter(text)
    try:
        rows = [
            (number, [cell.strip() for cell in row])
            for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as error:
        raise DomainError(
            f"the file is not valid CSV: {error}", field="file", code=BankErrorCode.INVALID_FILE
        ) from None
    width = Counter(len(cells) for _, cells in rows).most_common(1)[0][0]
    if width < 2:
        raise DomainError(
            "the file has a single column: it should have date, amount and reference columns",
            field="file",
            code=BankErrorCode.INVALID_FILE,
        )
    start = next((index for index, (_, cells) in enumerate(rows) if len(cells) == width and all(cells)), None)
    if start is None:
        raise DomainError(
            f"no header row found: no row names all of its {width} columns",
            field="file",
            code=BankErrorCode.INVALID_FILE,
        )
    header = rows[start][1]
    if len({name.casefold() for name in header}) != len(header):
        raise DomainError(
            "the header row names a column twice: " + ", ".join(header),
            field="file",
            code=BankErrorCode.INVALID_FILE,
        )
    data = rows[start + 1 :]
    if not data:
        raise DomainError(
            "the file has a header row but no lines", field="file", code=BankErrorCode.EMPTY_FILE
        )
    if len(data) > MAX_LINES:
        raise DomainError(
            f"the file has {len(data)} lines; import at most {MAX_LINES} at a time",
            field="file",
            code=KernelErrorCode.TOO_MANY_LINES,
        )
    for number, cells in data:
        if len(cells) != width:
            raise DomainError(
                f"row {number} has {len(cells)} columns where the header has {width}",
                field="file",
                code=BankErrorCode.INVALID_FILE,
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
                raise DomainError("choose the column", field=field_name, code=KernelErrorCode.REQUIRED)
            continue
        if column not in table.header:
            raise DomainError(
                f"the file has no column '{column}'; its columns are: {', '.join(table.header)}",
                field=field_name,
                code=BankErrorCode.UNKNOWN_COLUMN,
            )
        index[field_name] = table.header.index(column)
    if mapping.date_format not in DATE_FORMATS:
        raise DomainError(
            "choose one of the date formats", field="date_format", code=KernelErrorCode.INVALID_CHOICE
        )
    lines = []
    for number, cells in table.rows:
        raw_date = cells[index["date_column"]]
        booking_date = _date_or_none(raw_date, mapping.date_format)
        if booking_date is None:
            raise DomainError(
                f"row {number}: the date '{raw_date}' is not {DATE_FORMATS[mapping.date_format]}",
                field="date_format",
                code=KernelErrorCode.INVALID_DATE,
            )
        raw_amount = cells[index["amount_column"]]
        try:
            amount = amount_parse(raw_amount, decimal_comma=mapping.decimal_comma)
        except ValueError:
            hint = " (is the decimal separator a comma?)" if not mapping.decimal_comma else ""
            raise DomainError(
                f"row {number}: '{raw_amount}' is not an amount{hint}",
                field="amount_column",
                code=KernelErrorCode.INVALID_NUMBER,
            ) from None
        if abs(amount) >= Decimal("1e15"):
            raise DomainError(
                f"row {number}: the amount {raw_amount} is too large",
                field="amount_column",
                code=KernelErrorCode.AMOUNT_TOO_LARGE,
            )
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
