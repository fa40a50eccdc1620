"""Import reads: a batch for its page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from imports.models import ImportBatch


def import_batch_get(*, batch_id: int, kind: str | None = None) -> ImportBatch:
    """The batch (404 when it does not exist, or is of another kind)."""
    batches = ImportBatch.objects.all()
    if kind is not None:
        batches = batches.filter(kind=kind)
    return get_object_or_404(batches, pk=batch_id)
