"""Every status change of a document goes through o2c.states.transition (STYLE.md rule 3,
docs/decisions/0037): a scan of the source finds any other write of a `status`, and each
document's TRANSITIONS table refuses every pair it does not list."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from o2c.errors import InvalidTransition
from o2c.models import StatusEvent
from o2c.states import transition, transition_check, transition_rows, transitions_of

ROOT = Path(__file__).resolve().parents[2]
STATES = ROOT / "o2c" / "states.py"
SKIPPED = {".venv", "venv", "node_modules", "migrations", "tests", ".git"}

# Writes of a `status` that are not a document's status change, each with its reason.
NOT_DOCUMENTS = {
    # The outbox is infrastructure: a delivery attempt's bookkeeping (pending, sending, delivered,
    # failed, uncertain), claimed by conditional updates of the relay, not a business document.
    "o2c/outbox.py": "outbox message delivery state",
    # A webhook delivery is the same: the sender's bookkeeping of one POST (pending, delivered,
    # failed), its attempts its history (decision record 0042).
    "webhooks/services/sending.py": "webhook delivery state",
    "webhooks/services/events.py": "webhook delivery state (resend)",
    # A dunning run is the record of a task (started, done, failed), not a document anyone acts
    # on; its who and when are started_by, started_at and finished_at.
    "receivables/dunning/services.py": "dunning run task state",
    # Not product code: the outbox benchmark resets its webhook deliveries to measure again.
    "bench/webhook_outbox.py": "benchmark reset of webhook delivery state",
    # A computed label on a portal link for the page (the link has no status column).
    "receivables/statements/views.py": "display attribute",
}

# Models with a `status` column that are not documents with a workflow (decision record 0037).
STATUS_WITHOUT_WORKFLOW = {"o2c.OutboxMessage", "receivables.DunningRun", "webhooks.WebhookDelivery"}


def _sources():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIPPED or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        yield path


def _is_status_list(node: ast.AST) -> bool:
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
        isinstance(item, ast.Constant) and item.value == "status" for item in node.elts
    )


def status_writes(tree: ast.AST) -> list[int]:
    """Lines that set a `status` attribute, update rows' `status` (`.update(status=…)`) or
    bulk-update a `status` column."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in elements):
                    lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "update" and any(k.arg == "status" for k in node.keywords):
                lines.append(node.lineno)
            if node.func.attr == "bulk_update" and any(
                _is_status_list(arg) for arg in [*node.args, *(k.value for k in node.keywords)]
            ):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_only_o2c_states_writes_a_status():
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path != STATES and str(path.relative_to(ROOT)) not in NOT_DOCUMENTS
        for number in status_writes(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not outside, f"status written outside o2c.states.transition: {outside}"


@pytest.mark.parametrize(
    "source",
    [
        "invoice.status = 'paid'",
        "shipment.status, shipment.late = 'shipped', False",
        "Shipment.objects.filter(pk=1).update(status='cancelled')",
        "Line.objects.bulk_update(lines, ['status', 'note'])",
        "Line.objects.bulk_update(lines, fields=('status',))",
        "setattr(payment, 'status', 'reversed')",
    ],
)
def test_the_scan_finds_each_way_of_writing_a_status(source):
    assert status_writes(ast.parse(source)) == [1]


def test_the_scan_reads_the_tree_it_guards():
    scanned = {str(path.relative_to(ROOT)) for path in _sources()}
    assert {
        "o2c/pipeline/order.py",
        "orders/services/lifecycle.py",
        "fulfillment/services.py",
        "invoicing/services.py",
        "receivables/cash/services/payments.py",
        "receivables/cash/services/write_offs.py",
        "receivables/disputes/services.py",
        "receivables/bank/services/lines.py",
        *NOT_DOCUMENTS,
    } <= scanned
    assert status_writes(ast.parse(STATES.read_text(encoding="utf-8")))  # the one place that may


def _status_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if any(field.name == "status" for field in model._meta.get_fields())
        and not issubclass(model, StatusEvent)
    ]


def _documents() -> list[type[models.Model]]:
    return [model for model in _status_models() if getattr(model, "TRANSITIONS", None) is not None]


def test_every_model_with_a_status_is_a_document_with_a_table_or_is_named_as_none():
    without = {model._meta.label for model in _status_models()} - {m._meta.label for m in _documents()}
    assert without == STATUS_WITHOUT_WORKFLOW


@pytest.mark.parametrize("model", _documents(), ids=lambda model: model._meta.label)
def test_each_table_names_only_real_states_and_has_an_event_table(model):
    values = {value for value, _ in model._meta.get_field("status").choices}
    table = transitions_of(model)
    assert table and {state for pair in table for state in pair} <= values
    assert all(source != target for source, target in table)
    events = model.events.field.model
    assert issubclass(events, StatusEvent) and events.objects.model is events
    assert all(len(value) <= events._meta.get_field("to_status").max_length for value in values)


@pytest.mark.parametrize("model", _documents(), ids=lambda model: model._meta.label)
def test_every_pair_not_in_a_table_is_refused(model):
    values = [value for value, _ in model._meta.get_field("status").choices]
    table = transitions_of(model)
    for current, target in itertools.product(values, repeat=2):
        if (current, target) in table:
            transition_check(label="it", current=current, target=target, allowed=table)
        else:
            with pytest.raises(InvalidTransition) as refused:
                transition_check(label="it", current=current, target=target, allowed=table)
            assert (refused.value.code, refused.value.status_code) == ("invalid_transition", 409)


@pytest.mark.django_db
def test_a_transition_saves_the_status_and_writes_the_event_with_the_actor(make_user):
    from fulfillment.models import Shipment
    from o2c import pipeline
    from tests.builders import a_customer, a_product, an_order, line, stock

    clerk = make_user("warehouse")
    widget = a_product()
    stock(widget, "5")
    order = an_order(a_customer(), line(widget, "2"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=clerk)

    transition(shipment, Shipment.Status.PACKED, by=clerk, reason="boxed", event="packed_by_hand")

    shipment.refresh_from_db()
    assert shipment.status == "packed"
    event = shipment.events.get()
    assert (event.event, event.from_status, event.to_status, event.actor, event.detail) == (
        "packed_by_hand",
        "picking",
        "packed",
        clerk,
        "boxed",
    )
    with pytest.raises(InvalidTransition):
        transition(shipment, Shipment.Status.PICKING, by=clerk)
    shipment.refresh_from_db()
    assert shipment.status == "packed" and shipment.events.count() == 1


@pytest.mark.django_db
def test_transition_rows_moves_only_rows_the_table_allows_and_counts_them(make_user):
    from fulfillment.models import Shipment
    from o2c import pipeline
    from tests.builders import a_customer, a_product, an_order, line, stock

    clerk = make_user("warehouse")
    widget = a_product()
    stock(widget, "5")
    order = an_order(a_customer(), line(widget, "1"), line(widget, "1"), submit=True)
    lines = list(order.lines.order_by("pk"))
    first = pipeline.shipment_create(order_id=order.pk, lines={lines[0].pk: 1}, by=clerk)
    second = pipeline.shipment_create(order_id=order.pk, lines={lines[1].pk: 1}, by=clerk)
    pipeline.shipment_pack(shipment_id=second.pk, by=clerk)
    pipeline.shipment_ship(shipment_id=second.pk, carrier="DHL", by=clerk)

    moved = transition_rows(
        Shipment.objects.filter(order=order), Shipment.Status.CANCELLED, by=clerk, reason="test"
    )

    assert moved == 1  # the shipped one cannot be cancelled
    assert dict(Shipment.objects.filter(order=order).values_list("pk", "status")) == {
        first.pk: "cancelled",
        second.pk: "shipped",
    }
    cancelled = first.events.get()
    assert (cancelled.from_status, cancelled.to_status, cancelled.actor, cancelled.detail) == (
        "picking",
        "cancelled",
        clerk,
        "test",
    )
    assert transition_rows(Shipment.objects.filter(pk=first.pk), "cancelled", by=clerk) == 0
