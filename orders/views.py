"""Order pages: entry (new and edit), the list, one order with its actions.

Thin views (STYLE.md rule 1): parse the request, check the role, call one pipeline step or
order service, render. The entry page's live preview (line amounts, totals, availability,
credit headroom) is computed here from the same rules the services apply (`forms.order_preview`
with `o2c.money.line_amounts`), so what the page shows is what will be stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from credit.selectors import customer_position, latest_decision, latest_decisions_set, with_latest_decision
from customers.selectors import customer_get, customer_list
from fulfillment.selectors import shipment_list
from inventory.selectors import product_list, products_by_id, stock_available, warehouse_list
from invoicing.selectors import credit_note_list, invoice_rows
from o2c import pipeline
from o2c.errors import DomainError
from o2c.forms import param_id, param_text
from o2c.parsing import parse_optional_id
from o2c.roles import FINANCE, SALES, WAREHOUSE, has_role, role_required
from o2c.states import transitions_from
from o2c.tables import list_page
from orders import selectors, services
from orders.forms import (
    LinePreview,
    LineRow,
    OrderEntryForm,
    OrderFilterForm,
    ReasonForm,
    line_rows_of,
    order_preview,
)
from orders.models import SalesOrder
from orders.tables import OrderTable
from receivables.cash.selectors import payment_list
from receivables.disputes.selectors import dispute_list
from returns.selectors import returns_of_order

SUGGESTIONS = 8
STATUS = SalesOrder.Status


# --- reads --------------------------------------------------------------------------------------


def _order_or_404(order_id: int) -> SalesOrder:
    try:
        return selectors.order_get(order_id=order_id)
    except SalesOrder.DoesNotExist:
        raise Http404("no such order") from None


def _customer_or_none(customer_id) -> object | None:
    try:
        customer_id = parse_optional_id(customer_id, field="customer")
        return customer_get(customer_id=customer_id) if customer_id else None
    except (ObjectDoesNotExist, DomainError):
        return None


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the page behind `name` may not exist yet
        return None


# --- the entry page -----------------------------------------------------------------------------


def entry_context(form: OrderEntryForm, *, order: SalesOrder | None = None, document=None) -> dict:
    """The preview of what `form` holds: customer, its credit position, priced lines, totals.
    The entry component of orders and quotations (quotations.views): `document` is the order or
    quotation being edited (its customer is fixed, its lines priced on its own date)."""
    rows = form.rows
    document = document or order
    customer = (
        document.customer
        if document
        else _customer_or_none(form.data.get("customer") or form.initial.get("customer"))
    )
    warehouse_id = form.data.get("warehouse") or form.initial.get("warehouse") or _first_choice(form)
    try:
        warehouse_id = parse_optional_id(warehouse_id, field="warehouse")
    except DomainError:
        warehouse_id = None
    products = products_by_id(product_ids=[row.product_id for row in rows])
    position = customer_position(customer=customer) if customer else None
    preview = order_preview(
        rows=rows,
        products=products,
        availability=stock_available(product_ids=products.keys(), warehouse_id=warehouse_id),
        customer=customer,
        currency=customer.currency if customer else settings.O2C_BASE_CURRENCY,
        headroom=position.headroom if position else None,
        breaks=services.customer_price_breaks(
            customer=customer,
            on=order.order_date if order else timezone.localdate(),
            product_ids=products.keys(),
        )
        if customer
        else None,
    )
    return {
        "form": form,
        "order": order,
        "document": document,
        "customer": customer,
        "position": position,
        "preview": preview,
        # the markup of a new line, which the page's script copies with a fresh key
        "blank_line": LinePreview(row=LineRow(key="__KEY__"), position="__POSITION__"),
        "customer_label": f"{customer.code} — {customer.name}"
        if customer
        else form.data.get("customer_query", ""),
    }


def _document_date(document):
    """The date an order or quotation being edited is priced on; a new one: today."""
    if document is None:
        return timezone.localdate()
    return getattr(document, "order_date", None) or document.quotation_date


def _first_choice(form: OrderEntryForm):
    choices = form.fields["warehouse"].choices
    return choices[0][0] if choices else None


def _render_entry(request, form: OrderEntryForm, *, order: SalesOrder | None = None):
    return render(request, "orders/order_form.html", entry_context(form, order=order))


def _placed_message(request, order: SalesOrder) -> None:
    if order.status == STATUS.OPEN:
        messages.success(request, f"{order.number} approved.")
    elif order.status == STATUS.ON_HOLD:
        decision = latest_decision(order_id=order.pk)
        messages.warning(request, f"{order.number} on credit hold: {decision.reason if decision else ''}")
    else:
        messages.success(request, f"{order.number} saved as a draft.")


@role_required(SALES)
def order_create(request):
    warehouses = list(warehouse_list())
    if request.method != "POST":
        initial = {"warehouse": warehouses[0].pk if warehouses else None}
        customer = _customer_or_none(request.GET.get("customer"))
        if customer:
            initial.update(customer=customer.pk, ship_to=customer.shipping_address)
        return _render_entry(request, OrderEntryForm(initial=initial, warehouses=warehouses))
    form = OrderEntryForm(request.POST, warehouses=warehouses)
    if form.is_valid():
        try:
            order = pipeline.order_place(
                by=request.user,
                submit=form.submit_requested,
                customer_id=form.cleaned_data["customer"],
                **form.order_arguments(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            _placed_message(request, order)
            return redirect("orders:detail", order_id=order.pk)
    return _render_entry(request, form)


@role_required(SALES)
def order_edit(request, order_id: int):
    order = _order_or_404(order_id)
    if order.status != STATUS.DRAFT:
        messages.error(
            request, f"{order.number} is {order.get_status_display().lower()} and can no longer be edited."
        )
        return redirect("orders:detail", order_id=order.pk)
    warehouses = list(warehouse_list())
    if request.method != "POST":
        rows = line_rows_of(order.lines.all())
        initial = {
            "customer": order.customer_id,
            "warehouse": order.warehouse_id,
            "requested_delivery_date": order.requested_delivery_date,
            "customer_reference": order.customer_reference,
            "ship_to": order.ship_to,
        }
        form = OrderEntryForm(initial=initial, warehouses=warehouses, rows=rows)
        return _render_entry(request, form, order=order)
    form = OrderEntryForm(request.POST, warehouses=warehouses)
    if form.is_valid():
        try:
            services.order_update(order_id=order.pk, by=request.user, **form.order_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{order.number} saved.")
            return redirect("orders:detail", order_id=order.pk)
    return _render_entry(request, form, order=order)


@role_required(SALES)
@require_POST
def entry_lines(request):
    """The live part of the entry page (htmx): re-price what is typed and answer with the line
    figures, totals and credit position as out-of-band fragments only. No input is ever
    swapped, so nothing the clerk types while a request is under way is lost."""
    form = OrderEntryForm(request.POST, warehouses=list(warehouse_list()))
    return render(request, "orders/order_form.html#recalc", entry_context(form))


@role_required(SALES)
@require_GET
def customer_search(request):
    query = param_text(request.GET, "customer_query")
    customers = list(customer_list(search=query)[:SUGGESTIONS]) if query else []
    return render(
        request, "orders/order_form.html#customer-options", {"customers": customers, "query": query}
    )


@role_required(SALES)
@require_GET
def product_search(request):
    query = param_text(request.GET, "line_product_query")
    products = list(product_list(filters={"active": True}, search=query)[:SUGGESTIONS]) if query else []
    availability = stock_available(
        product_ids=[product.pk for product in products], warehouse_id=param_id(request.GET, "warehouse")
    )
    for product in products:
        product.available_here = availability.get(product.pk, Decimal(0))
    return render(
        request,
        "orders/order_form.html#product-options",
        {"products": products, "query": query, "row": param_id(request.GET, "row")},
    )


# --- the list -----------------------------------------------------------------------------------


@role_required(SALES, WAREHOUSE, FINANCE)
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    cleaned = form.values
    filters = {
        "status": cleaned.get("status"),
        "fulfillment_status": cleaned.get("fulfillment_status"),
        "number__icontains": cleaned.get("q"),
    }
    if cleaned.get("customer"):
        filters["customer__in"] = customer_list(search=cleaned["customer"]).values("pk")
    orders = selectors.order_list(filters=filters)
    sorts = request.GET.getlist("sort")
    if request.GET.get("export") or request.GET.get("format") or any("credit" in sort for sort in sorts):
        # every row (or the sort) needs the decision: annotated in the query
        table = OrderTable(with_latest_decision(orders))
    else:
        # a page needs it only for its 50 rows: one query for them (the annotation's subqueries
        # would run for every order before the LIMIT)
        table = OrderTable(orders, decisions=latest_decisions_set)
    return list_page(
        request,
        table,
        template="orders/order_list.html",
        filters=form,
        context={"can_create": has_role(request.user, SALES)},
    )


# --- one order and its actions ------------------------------------------------------------------


@role_required(SALES, WAREHOUSE, FINANCE)
def order_detail(request, order_id: int):
    order = _order_or_404(order_id)
    targets = transitions_from(order.status, SalesOrder.TRANSITIONS)
    lines = list(order.lines.all())
    shipped = any(line.quantity_shipped > 0 for line in lines)
    sales, finance = has_role(request.user, SALES), has_role(request.user, FINANCE)
    actions = {
        "edit": sales and order.status == STATUS.DRAFT,
        "submit": sales and order.status == STATUS.DRAFT and STATUS.OPEN in targets,
        "cancel": sales and STATUS.CANCELLED in targets and not shipped,
        "decide": finance and order.status == STATUS.ON_HOLD and STATUS.OPEN in targets,
        "return": sales and any(line.quantity_shipped > line.quantity_returned for line in lines),
    }
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "events": _timeline(order),
            "decision": latest_decision(order_id=order.pk),
            "actions": actions,
            "any_action": any(actions.values()),
            "customer_url": _url_or_none("customers:detail", order.customer_id),
            "reason_form": ReasonForm(),
            "delivery": selectors.order_delivery_address(order=order),
            "related": _related_documents(order, finance=finance),
        },
    )


def _related_documents(order: SalesOrder, *, finance: bool) -> dict:
    """The order's shipments, invoices, credit notes, payments and disputes, each one query."""
    related = {
        "quotation": _quotation_of(order),
        "shipments": list(shipment_list(filters={"order": order.pk}).prefetch_related(None).order_by("pk")),
        "invoices": list(invoice_rows().filter(order_id=order.pk).order_by("pk")),
        "credit_notes": list(
            credit_note_list(filters={"invoice__order": order.pk}).prefetch_related(None).order_by("pk")
        ),
        "returns": list(returns_of_order(order_id=order.pk).prefetch_related(None).order_by("pk")),
    }
    if finance:  # cash documents are finance's pages
        related["payments"] = list(
            payment_list(filters={"allocations__invoice__order": order.pk})
            .prefetch_related(None)
            .distinct()
            .order_by("pk")
        )
        related["disputes"] = list(
            dispute_list(filters={"invoice__order": order.pk}).prefetch_related(None).order_by("pk")
        )
    return related


def _quotation_of(order: SalesOrder):
    """The quotation the order came from, if any (the reverse side of quotations' link)."""
    try:
        return order.quotation  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None


def _timeline(order: SalesOrder) -> list:
    labels = dict(STATUS.choices)
    events = list(order.events.all())
    for event in events:
        event.label = event.event.replace("_", " ").capitalize()
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return events


def _run_action(request, order_id: int, step, **kwargs):
    """Call one pipeline step on the order; a refusal becomes a message on the order page."""
    try:
        order = step(order_id=order_id, by=request.user, **kwargs)
    except SalesOrder.DoesNotExist:
        raise Http404("no such order") from None
    except DomainError as error:
        messages.error(request, error.message)
        return None
    return order


@role_required(SALES)
@require_POST
def order_submit(request, order_id: int):
    order = _run_action(request, order_id, pipeline.order_submit)
    if order is not None:
        _placed_message(request, order)
    return redirect("orders:detail", order_id=order_id)


@role_required(SALES)
@require_POST
def order_cancel(request, order_id: int):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason to cancel the order.")
        return redirect("orders:detail", order_id=order_id)
    order = _run_action(request, order_id, pipeline.order_cancel, reason=form.cleaned_data["reason"])
    if order is not None:
        messages.success(request, f"{order.number} cancelled; its reservations are released.")
    return redirect("orders:detail", order_id=order_id)
