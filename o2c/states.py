"""Status changes through a table of allowed transitions (STYLE.md rule 3, docs/decisions/0037).

A document with a workflow status declares, on its model class, `TRANSITIONS`: the allowed
`(from, to)` pairs of its `status` field; and it has an event table (a subclass of
`o2c.models.StatusEvent`) whose foreign key to the document is named `events` on the document
(`related_name="events"`). Then

    transition(invoice, "paid", by=user, reason="PAY-2026-00012")

checks the move against the table (InvalidTransition, a 409, when it is not there), sets the
status, saves it and writes the event row (who, when, from, to, why) in one transaction.
`transition_rows` is the same for a conditional `UPDATE … WHERE status = …` over many rows (or
one row whose state another transaction may change without a lock): it returns how many rows
moved, for the caller's row-count check.

Only this module writes a document's `status` (tests/kernel/test_transitions.py checks it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections, models, transaction

from o2c.errors import InvalidTransition

Transitions = Collection[tuple[str, str]]

_pending_events: ContextVar[list[models.Model] | None] = ContextVar("o2c_pending_events", default=None)


@contextmanager
def event_rows_batched() -> Iterator[None]:
    """Event rows written in the block (by `transition` and `event_row_write`) are inserted at
    its end, one INSERT per event table, in the order they were written (their ids keep the
    timeline's order; `at` is the time of the insert). For a step that writes several timeline
    rows in one transaction and reads none of them back (placing an order: created, approved,
    allocated). An error inside writes none: the transaction rolls back anyway. Nested blocks
    leave the writing to the outermost."""
    if _pending_events.get() is not None:
        yield
        return
    rows: list[models.Model] = []
    token = _pending_events.set(rows)
    try:
        yield
    finally:
        _pending_events.reset(token)
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, batch in by_model.items():
        model._default_manager.bulk_create(batch)


def event_row_write(row: models.Model) -> None:
    """Insert an event row now, or at the end of the enclosing `event_rows_batched` block."""
    pending = _pending_events.get()
    if pending is None:
        row.save(force_insert=True)
    else:
        pending.append(row)


def transition_check(*, label: str, current: str, target: str, allowed: Transitions) -> None:
    """Raise InvalidTransition unless `current → target` is in `allowed`."""
    if (current, target) not in allowed:
        raise InvalidTransition(
            f"{label} is {current.replace('_', ' ')} and cannot become {target.replace('_', ' ')}"
        )


def transitions_from(current: str, allowed: Transitions) -> list[str]:
    """The states reachable from `current`: pages use it to decide which buttons to show."""
    return sorted(target for source, target in allowed if source == current)


def transitions_of(model: type[models.Model]) -> Transitions:
    """The document's table of allowed `(from, to)` pairs."""
    table: Transitions | None = getattr(model, "TRANSITIONS", None)
    if table is None:
        raise TypeError(f"{model.__name__} declares no TRANSITIONS table")
    return table


def document_label(document: models.Model) -> str:
    """How a refusal names the document: `shipment SH-2026-00003`, `dispute 12`."""
    name, text = str(document._meta.verbose_name), str(document)
    return text if text.startswith(name) else f"{name} {text}"


def transition_allowed(document: models.Model, target: str) -> bool:
    return (document.status, target) in transitions_of(type(document))  # type: ignore[attr-defined]


def transition_assert(document: models.Model, target: str) -> None:
    """Refuse now a move the caller will make later in the same transaction (before stock or
    money moves for it), without changing anything."""
    transition_check(
        label=document_label(document),
        current=document.status,  # type: ignore[attr-defined]
        target=target,
        allowed=transitions_of(type(document)),
    )


def _event_model(model: type[models.Model]) -> tuple[type[models.Model], str]:
    """The document's event table and the column of its foreign key to the document."""
    descriptor = getattr(model, "events", None)
    field = getattr(descriptor, "field", None)
    if field is None:
        raise TypeError(f"{model.__name__} has no event table (a StatusEvent with related_name='events')")
    return field.model, field.attname


def transition(
    document: models.Model,
    to: str,
    *,
    by: Any,
    reason: str = "",
    event: str = "",
    update_fields: Iterable[str] = (),
) -> models.Model:
    """Move a (locked) document to `to`: check the table, set and save the status (with the
    `update_fields` the caller changed along with it) and write its event row. `event` names the
    step on the timeline (default: the new status); `reason` is stored as the event's detail."""
    current: str = document.status  # type: ignore[attr-defined]
    transition_assert(document, to)  # before the block: a refusal leaves the caller's transaction usable
    # No savepoint of its own: the caller's transaction (or this block alone) holds both writes.
    with transaction.atomic(using=document._state.db, savepoint=False):
        document.status = to  # type: ignore[attr-defined]
        document.save(update_fields=["status", *update_fields])
        event_model, column = _event_model(type(document))
        event_row_write(
            event_model(
                **{column: document.pk},
                actor=by,
                event=event or to,
                from_status=current,
                to_status=to,
                detail=reason[:2000],
            )
        )
    return document


def transition_rows(
    rows: models.QuerySet[Any],
    to: str,
    *,
    by: Any,
    reason: str = "",
    event: str = "",
    values: Mapping[str, Any] | None = None,
) -> int:
    """Move every row of `rows` whose status may become `to` (by the table), with the other
    column `values`, in one conditional UPDATE: the database re-checks each row's status after
    waiting for any lock on it, so a row another transaction moved meanwhile is left alone. Writes
    an event row for each row moved; returns how many, for the caller's row-count check."""
    model, connection = rows.model, connections[rows.db]
    sources = sorted({source for source, target in transitions_of(model) if target == to})
    if not sources:
        return 0
    event_model, column = _event_model(model)
    meta = model._meta
    quote = connection.ops.quote_name
    assignments = [("status", to), *(values or {}).items()]
    set_sql = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name, _ in assignments)
    set_params = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in assignments]
    table, pk, status = quote(meta.db_table), quote(meta.pk.column), quote(meta.get_field("status").column)
    chosen, chosen_params = (
        rows.filter(status__in=sources).order_by().values_list("pk", "status").query.sql_with_params()
    )
    with transaction.atomic(using=rows.db, savepoint=False), connection.cursor() as cursor:
        # `moved.status = before.old` is checked again on a row another transaction changed
        # meanwhile (READ COMMITTED re-evaluates the WHERE on the new row version).
        cursor.execute(
            f"UPDATE {table} AS moved SET {set_sql} FROM ({chosen}) AS before (id, old) "  # noqa: S608
            f"WHERE moved.{pk} = before.id AND moved.{status} = before.old RETURNING moved.{pk}, before.old",
            [*set_params, *chosen_params],
        )
        moved = sorted(cursor.fetchall())
        event_model._default_manager.bulk_create(
            event_model(
                **{column: document_id},
                actor=by,
                event=event or to,
                from_status=source,
                to_status=to,
                detail=reason[:2000],
            )
            for document_id, source in moved
        )
    return len(moved)
