"""Bank statement files read into plain lines: CSV exports (any bank, by a column mapping,
csv_file.py) and ISO 20022 CAMT.053 XML (read with lxml, entry by entry as the standard puts it,
camt053.py). Pure: bytes in, `StatementLine`s out (lines.py), or a `DomainError` naming the field
and the row; nothing here touches the database.

A line's `fingerprint` identifies the same booking in another file: two exports of overlapping
periods share the lines of the overlap, and those are imported once (bank/services/upload.py).
"""

from receivables.bank.files.camt053 import camt053_lines
from receivables.bank.files.csv_file import (
    DATE_FORMATS,
    CsvMapping,
    CsvTable,
    amount_parse,
    csv_lines,
    csv_read,
    header_signature,
    mapping_guess,
)
from receivables.bank.files.lines import MAX_LINES, StatementLine, file_sha256, fingerprints, looks_like_xml

__all__ = [
    "DATE_FORMATS",
    "MAX_LINES",
    "CsvMapping",
    "CsvTable",
    "StatementLine",
    "amount_parse",
    "camt053_lines",
    "csv_lines",
    "csv_read",
    "file_sha256",
    "fingerprints",
    "header_signature",
    "looks_like_xml",
    "mapping_guess",
]
