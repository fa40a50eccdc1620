"""An uploaded file read into rows: CSV (UTF-8 with or without BOM, else cp1252 as most European
exports use; the delimiter sniffed as the bank statement reader does) or XLSX (openpyxl, the
first sheet). Row numbers are those the user sees: the header is row 1, and an empty row is
skipped but keeps its number. Pure: bytes in, a `Table` out, or a `DomainError` on field `file`
for a file that cannot be read at all (a 400); a bad cell is the kinds' business."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from imports.errors import ImportErrorCode
from o2c.errors import DomainError

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
DELIMITERS = ",;\t|"

Cell = str | int | float | Decimal | date | bool | None


@dataclass
class Table:
    header: list[str]  # as written in the file (stripped)
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)  # (row number, cells)


def _refuse(message: str, code: ImportErrorCode = ImportErrorCode.UNREADABLE_FILE) -> DomainError:
    return DomainError(message, field="file", code=code)


def _text(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text.strip() else ""
        counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        return best if counts[best] else ","


def _csv_rows(content: bytes) -> list[list[Cell]]:
    sample = content[:4096]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13)) + sample.count(127)
    if controls > len(sample) // 20 and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        # a stray NUL in a cell is that cell's error; a file of control bytes is not text at all
        raise _refuse("this is neither a CSV nor an XLSX file (it holds binary data)")
    text = _text(content)
    delimiter = _delimiter(text)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise _refuse(f"the file is not valid CSV: {error}") from None


def _xlsx_rows(content: bytes) -> list[list[Cell]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _refuse(f"the XLSX file cannot be read: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[Cell]] = []
        for row in sheet.iter_rows(min_row=1, values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def table_read(*, content: bytes, filename: str = "") -> Table:
    """The header (row 1) and the non-empty rows of a CSV or XLSX file (told apart by content)."""
    if not content:
        raise _refuse("the file is empty", ImportErrorCode.EMPTY_FILE)
    if len(content) > MAX_BYTES:
        raise _refuse(f"the file is over {MAX_BYTES // (1024 * 1024)} MB", ImportErrorCode.FILE_TOO_LARGE)
    is_xlsx = content.startswith(b"PK\x03\x04")
    if not is_xlsx and filename.lower().endswith((".xlsx", ".xlsm")):
        raise _refuse("the file is named .xlsx but is not a workbook")
    rows = _xlsx_rows(content) if is_xlsx else _csv_rows(content)
    if not rows or all(_blank(cell) for cell in rows[0]):
        raise _refuse("row 1 should be the header row naming the columns", ImportErrorCode.EMPTY_FILE)
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    while header and not header[-1]:  # spreadsheets often carry empty trailing columns
        header.pop()
    data = [(number, row) for number, row in enumerate(rows[1:], start=2) if not all(_blank(c) for c in row)]
    if not data:
        raise _refuse("the file has a header row but no rows", ImportErrorCode.EMPTY_FILE)
    if len(data) > MAX_ROWS:
        raise _refuse(f"import at most {MAX_ROWS} rows at a time", ImportErrorCode.TOO_MANY_ROWS)
    return Table(header=header, rows=data)
