"""Imports: a file checked (the dry run: every error by row and field, nothing written) and
imported (the real run: every row through the owning app's services in one transaction; any
error and nothing is written). `import_run` is the API's synchronous call; the pages keep an
`ImportBatch` with the file and its results, and a long file runs in a Celery task
(imports/tasks.py) that advances `rows_done` for the progress bar."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from imports.errors import ImportErrorCode
from imports.files import table_read
from imports.kinds import KINDS, Checked, ImportKind, RowError
from imports.kinds.base import Progress
from imports.models import ImportBatch
from o2c import locks
from o2c.errors import Conflict, DomainError
from o2c.parsing import safe_filename
from o2c.roles import has_role
from o2c.states import transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Files with more rows than this are checked and imported by a Celery task on the pages.
BACKGROUND_ROWS = 300


@dataclass
class ImportResult:
    rows: int
    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "errors": self.errors}


def import_kind_get(*, kind: str) -> ImportKind:
    found = KINDS.get(kind)
    if found is None:
        raise DomainError(
            f"the kinds of import are {', '.join(KINDS)}",
            field="kind",
            code=ImportErrorCode.UNKNOWN_IMPORT_KIND,
        )
    return found


def import_allowed(*, user: Any, kind: str) -> bool:
    return has_role(user, *import_kind_get(kind=kind).roles)


def import_run(
    *,
    kind: str,
    content: bytes,
    filename: str = "",
    dry_run: bool = True,
    by: User | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row of the file; unless `dry_run` (or with any error), write them all in one
    transaction. A file that cannot be read at all raises a DomainError on `file`."""
    spec = import_kind_get(kind=kind)
    table = table_read(content=content, filename=filename)
    checked = spec.check(table, progress)
    result = ImportResult(rows=len(table.rows), errors=checked.errors)
    if checked.errors:
        return result
    if dry_run:
        result.created, result.updated = checked.created, checked.updated
        return result
    return _write(spec, checked, result, by=by)


def _write(spec: ImportKind, checked: Checked, result: ImportResult, *, by: User | None) -> ImportResult:
    try:
        with transaction.atomic():
            result.created, result.updated = spec.write(checked.plan, by=by)
    except RowError as failure:
        result.errors = [_error(failure.row, failure.error)]
    except DomainError as error:  # a refusal the write could not tie to a row (a race)
        result.errors = [_error(0, error)]
    return result


def _error(row: int, error: DomainError) -> dict[str, Any]:
    return {"row": row, "field": error.field or "file", "message": error.message}


# ── The pages' batches ──────────────────────────────────────────────────────────────────────


def import_batch_create(*, kind: str, content: bytes, filename: str, by: User | None) -> ImportBatch:
    """Keep the upload for its dry run and its real run; the file must be readable."""
    import_kind_get(kind=kind)
    table = table_read(content=content, filename=filename)
    batch = ImportBatch(
        kind=kind,
        filename=safe_filename(filename or "import")[:200],
        rows=len(table.rows),
        rows_total=len(table.rows),
        created_by=by,
    )
    batch.file.save(batch.filename, ContentFile(content), save=False)
    batch.save()
    return batch


def import_batch_in_background(*, batch: ImportBatch) -> bool:
    return batch.rows_total > BACKGROUND_ROWS


def import_batch_progress(*, batch_id: int, done: int) -> None:
    """Rows checked so far; written outside any transaction so that the page sees it."""
    ImportBatch.objects.filter(pk=batch_id).update(rows_done=done)


def _batch_content(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as stream:
        content: bytes = stream.read()
    return content


def import_batch_check(*, batch_id: int, by: User | None) -> ImportBatch:
    """The dry run of a batch: its errors or its counts."""
    return _batch_run(batch_id=batch_id, expected=ImportBatch.Status.CHECKING, dry_run=True, by=by)


def import_batch_start(*, batch_id: int, by: User | None) -> ImportBatch:
    """The real run is asked for: only a checked batch without errors."""
    with transaction.atomic():
        batch = locks.import_batch_lock(batch_id=batch_id)
        if batch.status != ImportBatch.Status.CHECKED or batch.errors:
            raise Conflict(
                "only a checked import without errors can be imported", code=ImportErrorCode.IMPORT_NOT_READY
            )
        batch.rows_done = 0
        transition(batch, ImportBatch.Status.IMPORTING, by=by, update_fields=["rows_done"])
    return batch


def import_batch_import(*, batch_id: int, by: User | None) -> ImportBatch:
    """The real run of a batch being imported: all rows or, with any error, none."""
    return _batch_run(batch_id=batch_id, expected=ImportBatch.Status.IMPORTING, dry_run=False, by=by)


def _batch_run(*, batch_id: int, expected: str, dry_run: bool, by: User | None) -> ImportBatch:
    """Run a batch that is in `expected` (a task run twice finds it moved on and does nothing)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != expected:
        return batch
    result = import_run(
        kind=batch.kind,
        content=_batch_content(batch),
        filename=batch.filename,
        dry_run=dry_run,
        by=by,
        progress=lambda done: import_batch_progress(batch_id=batch_id, done=done),
    )
    if dry_run:
        status = ImportBatch.Status.CHECKED
    else:
        status = ImportBatch.Status.FAILED if result.errors else ImportBatch.Status.IMPORTED
    return _batch_finish(batch, result, status, by=by)


def import_batch_fail(*, batch_id: int, message: str, by: User | None) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING):
        batch.errors = [{"row": 0, "field": "file", "message": message[:500]}]
        batch.finished_at = timezone.now()
        transition(batch, ImportBatch.Status.FAILED, by=by, update_fields=["errors", "finished_at"])


def _batch_finish(batch: ImportBatch, result: ImportResult, status: str, *, by: User | None) -> ImportBatch:
    batch.rows, batch.created, batch.updated = result.rows, result.created, result.updated
    batch.errors = result.errors
    batch.rows_done = batch.rows_total
    batch.finished_at = timezone.now()
    transition(
        batch,
        status,
        by=by,
        reason=f"{len(result.errors)} errors" if result.errors else "",
        update_fields=["rows", "created", "updated", "errors", "rows_done", "finished_at"],
    )
    return batch
