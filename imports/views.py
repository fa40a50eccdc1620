"""Import pages: the four kinds with their templates, an upload that runs the dry run, its
results (errors by row and field, or the counts) and the real run; long files run in a Celery
task whose progress the page polls with htmx (as the bank statement recording does)."""

from __future__ import annotations

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imports import selectors, services, tasks
from imports.forms import UploadForm
from imports.kinds import KINDS, ImportKind
from imports.models import ImportBatch
from o2c.errors import DomainError
from o2c.parsing import content_disposition
from o2c.roles import FINANCE, role_required

ERRORS_SHOWN = 1000
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _kind(request, kind: str) -> ImportKind:  # type: ignore[no-untyped-def]
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404("no such import")
    if not services.import_allowed(user=request.user, kind=kind):
        raise PermissionDenied(f"this import is for {', '.join(spec.roles)}")
    return spec


@role_required(FINANCE)  # finance imports open invoices; managers (and admins) everything
@require_GET
def import_index(request):
    kinds = [
        {"spec": spec, "allowed": services.import_allowed(user=request.user, kind=name)}
        for name, spec in KINDS.items()
    ]
    return render(request, "imports/index.html", {"kinds": kinds})


@role_required(FINANCE)
@require_GET
def import_template(request, kind: str, fmt: str):
    """The kind's template: the header row and one example row (tablib writes CSV and XLSX)."""
    spec = _kind(request, kind)
    if fmt not in CONTENT_TYPES:
        raise Http404("no such format")
    dataset = tablib.Dataset(
        [column.example for column in spec.columns], headers=[column.name for column in spec.columns]
    )
    body = dataset.export(fmt)
    response = HttpResponse(body.encode() if isinstance(body, str) else body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(f"{kind}-template.{fmt}")
    return response


@role_required(FINANCE)
@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str):
    spec = _kind(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_batch_create(
                kind=kind, content=upload.read(), filename=upload.name, by=request.user
            )
        except DomainError as refusal:
            form.add_error("file", refusal.message)
        else:
            if services.import_batch_in_background(batch=batch):
                transaction.on_commit(
                    lambda: tasks.import_batch_check.delay(batch.pk, request.user.pk), robust=True
                )
            else:
                services.import_batch_check(batch_id=batch.pk, by=request.user)
            return redirect("imports:batch", kind=kind, batch_id=batch.pk)
    return render(request, "imports/upload.html", {"spec": spec, "form": form})


def _batch_context(spec: ImportKind, batch: ImportBatch) -> dict:  # type: ignore[type-arg]
    return {
        "spec": spec,
        "batch": batch,
        "errors": batch.errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(batch.errors) - ERRORS_SHOWN, 0),
        "running": batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING),
    }


@role_required(FINANCE)
@require_GET
def import_batch(request, kind: str, batch_id: int):
    spec = _kind(request, kind)
    batch = selectors.import_batch_get(batch_id=batch_id, kind=kind)
    return render(request, "imports/batch.html", _batch_context(spec, batch))


@role_required(FINANCE)
@require_POST
def import_batch_run(request, kind: str, batch_id: int):
    """The real run: all rows, or none when any row is refused."""
    _kind(request, kind)
    batch = selectors.import_batch_get(batch_id=batch_id, kind=kind)
    try:
        batch = services.import_batch_start(batch_id=batch.pk, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("imports:batch", kind=kind, batch_id=batch.pk)
    if services.import_batch_in_background(batch=batch):
        tasks.import_batch_import.delay(batch.pk, request.user.pk)
        messages.info(request, f"Importing {batch.rows_total} rows…")
    else:
        batch = services.import_batch_import(batch_id=batch.pk, by=request.user)
        _done_message(request, batch)
    return redirect("imports:batch", kind=kind, batch_id=batch.pk)


def _done_message(request, batch: ImportBatch) -> None:  # type: ignore[no-untyped-def]
    if batch.status == ImportBatch.Status.IMPORTED:
        messages.success(request, f"Imported: {batch.created} created, {batch.updated} updated.")
    elif batch.status == ImportBatch.Status.FAILED:
        messages.error(request, "Nothing was imported: see the errors below.")


@role_required(FINANCE)
@require_GET
def import_progress(request, kind: str, batch_id: int):
    """The progress bar while a long file is checked or imported; when done, htmx reloads."""
    spec = _kind(request, kind)
    batch = selectors.import_batch_get(batch_id=batch_id, kind=kind)
    context = _batch_context(spec, batch)
    response = render(request, "imports/batch.html#progress", context)
    if not context["running"] and request.htmx:
        _done_message(request, batch)
        response["HX-Refresh"] = "true"
    return response
