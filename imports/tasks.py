"""The dry run and the real run of a long import, in the background (the pages start them for
files over `services.BACKGROUND_ROWS` rows). Safe to run twice: a batch past the step is left."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from imports import services
from o2c.celery import app


def _user(user_id: int | None):  # type: ignore[no-untyped-def]
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


@app.task(name="imports.tasks.import_batch_check", ignore_result=True, acks_late=True)
def import_batch_check(batch_id: int, user_id: int | None = None) -> None:
    by = _user(user_id)
    try:
        services.import_batch_check(batch_id=batch_id, by=by)
    except Exception as error:
        services.import_batch_fail(batch_id=batch_id, message=f"the check broke off: {error}", by=by)
        raise


@app.task(name="imports.tasks.import_batch_import", ignore_result=True, acks_late=True)
def import_batch_import(batch_id: int, user_id: int | None = None) -> None:
    by = _user(user_id)
    try:
        services.import_batch_import(batch_id=batch_id, by=by)
    except Exception as error:
        services.import_batch_fail(batch_id=batch_id, message=f"the import broke off: {error}", by=by)
        raise
