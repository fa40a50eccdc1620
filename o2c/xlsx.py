"""The pages' `?export=xlsx`: the same header and rows as their `?export=csv` (o2c.csv), as a
workbook of one sheet.

The CSV rule against formula injection (o2c.csv, decision 0027) holds here too, by the means a
workbook has: every text cell is written as a string cell (openpyxl would store a text that
starts with `=` as a formula), and a text that a spreadsheet would read as a formula (`=…`, `+1`,
`-1`, `@SUM(…)`) also gets the quote prefix, so that editing the cell keeps it text. Numbers
(int, Decimal) and dates stay numbers and dates; an aware datetime is written in the company's
time zone, as the pages show it. Characters a workbook cannot hold (NUL and other control
characters) are left out rather than failing the download.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from o2c.csv import FORMULA_STARTS
from o2c.parsing import content_disposition

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """The value as a workbook cell: None empty, numbers and dates as they are, text as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal | float):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A workbook download: the header row (always, even without rows), then the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename.rsplit(".", 1)[0][:31] or "export")
    sheet.append([xlsx_cell(sheet, name) for name in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response
