"""Warehouse pages: the pick queue, pick lists, shipments and their actions, the late list.

Thin views (STYLE.md rule 1): parse the request, check the role, call one pipeline step, render.
Which actions a shipment offers follows its TRANSITIONS table; a refusal of the pipeline (a
quantity no longer allocated, a shipment someone else packed meanwhile) becomes a message or a
field error, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from customers.selectors import customer_list
from fulfillment import selectors
from fulfillment.forms import (
    DeliverForm,
    PickLinesForm,
    PickQueueFilterForm,
    ShipForm,
    ShipmentFilterForm,
)
from fulfillment.models import Shipment
from fulfillment.tables import SHIPMENT_CSV_HEADER, PickQueueTable, ShipmentTable, shipment_csv_row
from invoicing.selectors import credit_note_list
from o2c import pipeline
from o2c.csv import csv_response
from o2c.errors import DomainError
from o2c.money import ZERO
from o2c.roles import FINANCE, SALES, WAREHOUSE, has_role, role_required
from o2c.states import transitions_from
from o2c.tables import list_page
from orders.selectors import DeliveryAddress, order_delivery_address, order_list

LATE_ROWS = 200
STATUS = Shipment.Status


def _shipment_or_404(shipment_id: int) -> Shipment:
    try:
        return selectors.shipment_get(shipment_id=shipment_id)
    except Shipment.DoesNotExist:
        raise Http404("no such shipment") from None


# --- the pick queue -----------------------------------------------------------------------------


@role_required(WAREHOUSE)
def pick_queue(request):
    form = PickQueueFilterForm(request.GET or None)
    filters = form.values
    orders = selectors.orders_ready_to_pick()
    if filters.get("warehouse"):
        orders = orders.filter(warehouse_id=filters["warehouse"])
    if filters.get("q"):
        customers = customer_list(search=filters["q"]).values("pk")
        orders = orders.filter(Q(number__icontains=filters["q"]) | Q(customer__in=customers))
    return list_page(
        request,
        PickQueueTable(orders),
        template="fulfillment/pick_queue.html",
        filters=form,
        records_name="orders",
    )


def _order_to_pick(order_id: int):
    """The open order with what is left to pick, or None when nothing is (404 if no such order)."""
    ready = selectors.orders_with_lines_to_pick(
        orders=selectors.orders_ready_to_pick().filter(pk=order_id), today=timezone.localdate()
    )
    if ready:
        return ready[0]
    if not order_list(filters={"pk": order_id}).exists():
        raise Http404("no such order")
    return None


@role_required(WAREHOUSE)
def pick(request, order_id: int):
    """Choose lines and quantities for a pick list; a POST with `all` takes everything allocated."""
    order = _order_to_pick(order_id)
    if order is None:
        number = order_list(filters={"pk": order_id}).values_list("number", flat=True).first()
        messages.info(request, f"{number} has nothing allocated left to pick.")
        return redirect("fulfillment:queue")
    form = PickLinesForm(request.POST if request.method == "POST" else None, lines=order.lines_to_pick)
    if request.method == "POST":
        everything = request.POST.get("all") == "1"
        if everything or form.is_valid():
            try:
                shipment = pipeline.shipment_create(
                    order_id=order.pk, lines=None if everything else form.chosen_lines(), by=request.user
                )
            except DomainError as error:
                if everything:
                    messages.error(request, error.message)
                    return redirect("fulfillment:queue")
                form.add_domain_error(error)
            else:
                messages.success(
                    request, f"Pick list {shipment.number} created for {order.number}: print it and pick."
                )
                return redirect("fulfillment:shipment", shipment_id=shipment.pk)
    return render(
        request,
        "fulfillment/pick.html",
        {"order": order, "form": form, "delivery": order_delivery_address(order=order)},
    )


# --- shipments ----------------------------------------------------------------------------------


def _late_shipments(today) -> Q:
    """Flagged late by the hourly task, or on the road past the estimated delivery since."""
    return Q(late=True) | Q(status=STATUS.SHIPPED, estimated_delivery__lt=today)


@role_required(SALES, WAREHOUSE, FINANCE)
def shipment_list(request):
    form = ShipmentFilterForm(request.GET or None)
    filters = form.values
    shipments = selectors.shipment_list(filters={"warehouse_id": filters.get("warehouse")})
    if filters.get("q"):
        shipments = shipments.filter(
            Q(number__icontains=filters["q"]) | Q(order__number__icontains=filters["q"])
        )
    if filters.get("customer"):
        shipments = shipments.filter(
            order__customer__in=customer_list(search=filters["customer"]).values("pk")
        )
    if filters.get("late") is not None:
        late = _late_shipments(timezone.localdate())
        shipments = shipments.filter(late) if filters["late"] else shipments.exclude(late)
    counts = {
        row["status"]: row["count"]
        for row in shipments.prefetch_related(None).order_by().values("status").annotate(count=Count("pk"))
    }
    if filters.get("status"):
        shipments = shipments.filter(status=filters["status"])
    tabs = [
        {"value": "", "label": "All", "count": sum(counts.values())},
        *({"value": value, "label": label, "count": counts.get(value, 0)} for value, label in STATUS.choices),
    ]
    return list_page(
        request,
        ShipmentTable(selectors.with_line_totals(shipments)),
        template="fulfillment/shipment_list.html",
        filters=form,
        records_name="shipments",
        context={"tabs": tabs, "status": filters.get("status") or ""},
    )


def _render_detail(request, shipment: Shipment, *, ship_form=None, deliver_form=None):
    targets = transitions_from(shipment.status, Shipment.TRANSITIONS)
    warehouse = has_role(request.user, WAREHOUSE)
    actions = {
        "pack": warehouse and STATUS.PACKED in targets,
        "ship": warehouse and STATUS.SHIPPED in targets,
        "deliver": warehouse and STATUS.DELIVERED in targets,
        "print": warehouse and shipment.status in (STATUS.PICKING, STATUS.PACKED),
    }
    (shipment,) = selectors.shipments_with_figures(shipments=[shipment], today=timezone.localdate())
    return render(
        request,
        "fulfillment/shipment_detail.html",
        {
            "shipment": shipment,
            "lines": list(shipment.lines.all()),
            "actions": actions,
            "ship_form": ship_form or ShipForm(),
            "deliver_form": deliver_form or DeliverForm(shipped_at=shipment.shipped_at),
            "steps": _steps(shipment),
            "delivery": _shipment_delivery(shipment),
            "credit_notes": list(
                credit_note_list(filters={"invoice__shipment": shipment.pk}).prefetch_related(None)
            ),
        },
    )


def _shipment_delivery(shipment: Shipment) -> DeliveryAddress:
    """Where the shipment goes: the address kept on its pick list (else the order's delivery
    address now), and whether that is a fallback to the customer's address."""
    current = order_delivery_address(order=shipment.order)
    if shipment.ship_to and shipment.ship_to != current.text:
        return DeliveryAddress(text=shipment.ship_to, source="order")
    return current


def _steps(shipment: Shipment) -> list[dict]:
    """The progress bar of the page: picking → packed → shipped → delivered."""
    order = [STATUS.PICKING, STATUS.PACKED, STATUS.SHIPPED, STATUS.DELIVERED]
    reached = order.index(shipment.status) if shipment.status in order else -1
    finished = shipment.status == STATUS.DELIVERED
    return [
        {"label": label, "done": index < reached or finished, "current": index == reached and not finished}
        for index, label in enumerate(["Picking", "Packed", "Shipped", "Delivered"])
    ]


@role_required(SALES, WAREHOUSE, FINANCE)
def shipment_detail(request, shipment_id: int):
    return _render_detail(request, _shipment_or_404(shipment_id))


def _run(request, step, shipment_id: int, **kwargs) -> Shipment | DomainError:
    """One pipeline step on the shipment; returns the shipment, or the refusal."""
    try:
        return step(shipment_id=shipment_id, by=request.user, **kwargs)
    except Shipment.DoesNotExist:
        raise Http404("no such shipment") from None
    except DomainError as error:
        return error


@role_required(WAREHOUSE)
@require_POST
def shipment_pack(request, shipment_id: int):
    result = _run(request, pipeline.shipment_pack, shipment_id)
    if isinstance(result, DomainError):
        messages.error(request, result.message)
    else:
        messages.success(request, f"{result.number} packed: ready to ship.")
    return redirect("fulfillment:shipment", shipment_id=shipment_id)


@role_required(WAREHOUSE)
@require_POST
def shipment_ship(request, shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    form = ShipForm(request.POST)
    if form.is_valid():
        result = _run(request, pipeline.shipment_ship, shipment_id, **form.cleaned_data)
        if not isinstance(result, DomainError):
            shipped = _shipment_or_404(shipment_id)
            invoice = selectors.shipment_invoice_number(shipped)
            messages.success(
                request,
                f"{shipped.number} shipped with {shipped.carrier}"
                + (f"; invoice {invoice} issued." if invoice else "."),
            )
            return redirect("fulfillment:shipment", shipment_id=shipment_id)
        form.add_domain_error(result)
    return _render_detail(request, shipment, ship_form=form)


@role_required(WAREHOUSE)
@require_POST
def shipment_deliver(request, shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    form = DeliverForm(request.POST, shipped_at=shipment.shipped_at)
    if form.is_valid():
        result = _run(
            request, pipeline.shipment_deliver, shipment_id, delivered_at=form.cleaned_data["delivered_at"]
        )
        if not isinstance(result, DomainError):
            late = " (later than estimated)" if result.late else ""
            messages.success(request, f"{result.number} delivered{late}.")
            return redirect("fulfillment:shipment", shipment_id=shipment_id)
        form.add_domain_error(result)
    return _render_detail(request, shipment, deliver_form=form)


@role_required(WAREHOUSE)
def pick_list(request, shipment_id: int):
    """The printable pick list: what to take from the shelves for one shipment."""
    shipment = _shipment_or_404(shipment_id)
    lines = sorted(shipment.lines.all(), key=lambda line: (line.product.sku, line.pk))
    return render(
        request,
        "fulfillment/pick_list.html",
        {
            "shipment": shipment,
            "lines": lines,
            "total_quantity": sum((line.quantity for line in lines), ZERO),
            "printed_at": timezone.localtime(),
            "delivery": _shipment_delivery(shipment),
        },
    )


# --- late ---------------------------------------------------------------------------------------


@role_required(WAREHOUSE)
def late(request):
    today = timezone.localdate()
    shipments = selectors.shipment_list().filter(_late_shipments(today)).order_by("estimated_delivery", "pk")
    orders = order_list(filters={"late": True, "status": "open"}).order_by(
        "requested_delivery_date", "submitted_at", "pk"
    )
    export = request.GET.get("export")
    if export == "csv" and request.GET.get("table") == "orders":
        header = ["order", "customer_code", "customer_name", "requested_delivery_date", "days_late"]
        header += ["fulfillment_status", "warehouse"]
        return csv_response(
            "late-orders.csv",
            header,
            (
                [
                    order.number,
                    order.customer.code,
                    order.customer.name,
                    order.requested_delivery_date or "",
                    (today - order.requested_delivery_date).days if order.requested_delivery_date else "",
                    order.fulfillment_status,
                    order.warehouse.code,
                ]
                for order in orders
            ),
        )
    if export == "csv":
        return csv_response(
            "late-shipments.csv",
            SHIPMENT_CSV_HEADER,
            map(shipment_csv_row, selectors.shipments_with_figures(shipments=shipments, today=today)),
        )
    # the page shows the first LATE_ROWS of each; the CSV export has them all
    shipments = selectors.shipments_with_figures(shipments=shipments[: LATE_ROWS + 1], today=today)
    orders = list(orders[: LATE_ROWS + 1])
    for shipment in shipments:
        eta = shipment.estimated_delivery
        end = timezone.localdate(shipment.delivered_at) if shipment.delivered_at else today
        shipment.days_late = (end - eta).days if eta else None
    for order in orders:
        requested = order.requested_delivery_date
        order.days_late = (today - requested).days if requested else None
    return render(
        request,
        "fulfillment/late.html",
        {
            "shipments": shipments[:LATE_ROWS],
            "orders": orders[:LATE_ROWS],
            "more_shipments": len(shipments) > LATE_ROWS,
            "more_orders": len(orders) > LATE_ROWS,
        },
    )
