"""What every kind shares: its columns, the header check, the error list and the row loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from o2c.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from imports.files import Cell, Table

Progress = Callable[[int], None]
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Column:
    name: str
    example: str
    required: bool = False  # in the header and on every row
    help: str = ""


@dataclass
class Checked:
    """A dry run's outcome: what the real run writes (`plan`), every error, and the counts."""

    plan: list[Any] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    def error(self, row: int, field_name: str, message: str) -> None:
        self.errors.append({"row": row, "field": field_name, "message": message})

    def refusal(self, row: int, error: DomainError) -> None:
        self.error(row, error.field or "file", error.message)


class RowError(Exception):
    """A refusal met while writing a row: the real run stops and reports it by row and field."""

    def __init__(self, row: int, error: DomainError) -> None:
        super().__init__(error.message)
        self.row = row
        self.error = error


def column_key(name: str) -> str:
    return "_".join(name.strip().casefold().replace("-", " ").split())


class ImportKind:
    name = ""
    label = ""
    roles: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    help = ""

    @property
    def key(self) -> str:
        return self.columns[0].name

    def header_check(self, table: Table, checked: Checked) -> dict[str, int]:
        """Each known column's index; unknown, repeated and missing columns are errors of row 1."""
        known = {column.name for column in self.columns}
        compact = {name.replace("_", ""): name for name in known}  # "E-mail", "Credit limit", "creditlimit"
        index: dict[str, int] = {}
        for position, title in enumerate(table.header):
            name = column_key(title)
            if not name:
                continue
            name = compact.get(name.replace("_", ""), name)
            if name not in known:
                checked.error(1, title[:60], f"unknown column; the columns are {', '.join(sorted(known))}")
            elif name in index:
                checked.error(1, name, "this column is named twice")
            else:
                index[name] = position
        for column in self.columns:
            if column.required and column.name not in index:
                checked.error(1, column.name, "this column is missing")
        return index

    def cells(
        self, table: Table, index: dict[str, int], progress: Progress | None
    ) -> Iterator[tuple[int, dict[str, Cell]]]:
        """Each row as {column: cell}, counting progress."""
        for done, (number, row) in enumerate(table.rows, start=1):
            yield (
                number,
                {name: row[position] if position < len(row) else None for name, position in index.items()},
            )
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)

    def check(self, table: Table, progress: Progress | None = None) -> Checked:
        checked = Checked()
        index = self.header_check(table, checked)
        if checked.errors:
            return checked
        width = len(table.header)
        for number, row in table.rows:
            extra = [cell for cell in row[width:] if cell is not None and str(cell).strip()]
            if extra:
                checked.error(
                    number, "file", f"this row has {width + len(extra)} cells; row 1 names {width} columns"
                )
        self.check_rows(table, index, checked, progress)
        return checked

    def check_rows(
        self, table: Table, index: dict[str, int], checked: Checked, progress: Progress | None
    ) -> None:
        raise NotImplementedError

    def write(self, plan: list[Any], *, by: User | None) -> tuple[int, int]:
        raise NotImplementedError


def read(checked: Checked, row: int, reader: Callable[..., Any], value: object, **options: Any) -> Any:
    """`reader(value, **options)`, or None with the refusal listed."""
    try:
        return reader(value, **options)
    except DomainError as error:
        checked.refusal(row, error)
        return None
