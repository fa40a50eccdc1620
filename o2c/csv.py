"""Every CSV the application writes goes through this module: the pages' `?export=csv`
(`csv_response`), the API's `?format=csv` (o2c.api.CSVRenderer, fed by `csv_table`) and the
reports. tests/kernel/test_csv.py fails on a `csv.writer(` anywhere else.

One rule for cells, against CSV injection (OWASP): names, references and notes come from outside
(customers, bank files, provider events), and a spreadsheet runs a cell that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return as a formula. Such a text cell is written with a leading
apostrophe (`'=HYPERLINK(…)`), which spreadsheets show as text and do not evaluate. Numbers stay
numbers: an int or a Decimal is written as it is, and a text cell that is a plain number
(`-12.50`, `-3`) is left alone, so negative amounts still add up in a spreadsheet. Anything else
that starts with `-` (`-2+3`, `--x`, `-1e3`) gets the apostrophe. See docs/decisions/0027.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.http import HttpRequest, StreamingHttpResponse

from o2c.parsing import content_disposition

CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: None empty, numbers as they are, text neutralised when a
    spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


class CsvWriter:
    """`csv.writer` whose every cell passes through `csv_cell`; `writerow` returns what the
    stream's `write` returns (the line itself for a streaming response)."""

    def __init__(self, stream: _Writable) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])


def csv_writer(stream: _Writable) -> CsvWriter:
    return CsvWriter(stream)


class CsvTable(list[dict[str, Any]]):
    """Rows (dicts) for the API's CSV renderer with their columns, so that an empty table still
    has its header row."""

    def __init__(self, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
        super().__init__(rows)
        self.columns = list(columns)


def csv_table(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> CsvTable:
    return CsvTable(columns, rows)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download: the header row (always, even without rows), then the rows, streamed."""
    writer = csv_writer(_Echo())

    def lines() -> Iterator[Any]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def export_requested(request: HttpRequest) -> bool:
    """A page asked for its CSV: `?export=csv` (as the pages say) or `?format=csv` (as the API says)."""
    return "csv" in (request.GET.get("format"), request.GET.get("export"))
