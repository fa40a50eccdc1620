"""Inventory pages: the catalogue, stock per product and warehouse, goods receipts, stock moves."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from inventory import selectors
from inventory.forms import GoodsReceiptForm, ProductFilterForm, StockFilterForm, StockMoveFilterForm
from inventory.tables import ProductTable, StockMoveTable, StockTable
from o2c import pipeline
from o2c.errors import DomainError
from o2c.forms import param_id, param_text
from o2c.roles import FINANCE, SALES, WAREHOUSE, has_role, role_required
from o2c.tables import list_page


@role_required(SALES, WAREHOUSE, FINANCE)
def product_list(request):
    form = ProductFilterForm(request.GET or None)
    filters = form.values
    products = selectors.product_list(
        filters={"kind": filters.get("kind"), "active": filters.get("active")},
        search=filters.get("q") or None,
    )
    return list_page(request, ProductTable(products), template="inventory/products.html", filters=form)


@role_required(SALES, WAREHOUSE, FINANCE)
def stock(request):
    form = StockFilterForm(request.GET or None)
    filters = form.values
    warehouse_id = filters.get("warehouse")
    levels = selectors.stock_level_list(filters={"warehouse": warehouse_id}, search=filters.get("q") or None)
    return list_page(
        request,
        StockTable(levels, warehouse_id=warehouse_id),
        template="inventory/stock.html",
        filters=form,
        context={"can_receive": has_role(request.user, WAREHOUSE)},
    )


def _stock_of(product) -> list:
    if product is None:
        return []
    return selectors.stock_levels_with_backorders(
        levels=selectors.stock_level_list(filters={"product": product.pk})
    )


def _product_by_id(product_id: int | None):
    return selectors.product_list().filter(pk=product_id).first() if product_id else None


@role_required(WAREHOUSE)
def goods_receipt(request):
    if request.method == "POST":
        form = GoodsReceiptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                move = pipeline.stock_receive(
                    product_id=data["product"].pk,
                    warehouse_id=data["warehouse"],
                    quantity=data["quantity"],
                    reference=data["reference"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                level = selectors.stock_level_get(product_id=move.product_id, warehouse_id=move.warehouse_id)
                messages.success(
                    request,
                    f"Received {move.quantity.normalize():f} × {data['product'].sku} into {level.warehouse.code}"
                    f"{f' ({move.reference})' if move.reference else ''}. "
                    f"Now on hand {level.on_hand.normalize():f}, available {level.available.normalize():f}.",
                )
                query = urlencode({"product": move.product_id, "warehouse": move.warehouse_id})
                return redirect(f"{reverse('inventory:receive')}?{query}")
        product = form.cleaned_data.get("product")
    else:
        product = _product_by_id(param_id(request.GET, "product"))
        form = GoodsReceiptForm(
            initial={
                "product": product.sku if product else "",
                "warehouse": param_id(request.GET, "warehouse"),
            }
        )
    return render(
        request,
        "inventory/receive.html",
        {
            "form": form,
            "product": product,
            "levels": _stock_of(product),
            "options": selectors.product_options(),
        },
    )


@role_required(SALES, WAREHOUSE, FINANCE)
def product_options(request):
    """htmx: the `<option>`s of the product picker for what has been typed so far."""
    search = param_text(request.GET, "product") or param_text(request.GET, "q")
    return render(
        request, "inventory/_product_options.html", {"options": selectors.product_options(search=search)}
    )


@role_required(SALES, WAREHOUSE, FINANCE)
def stock_panel(request):
    """htmx: the stock of the product picked in the receipt form (`?product=<SKU>`), per warehouse."""
    sku = param_text(request.GET, "product")
    product = selectors.product_list(filters={"sku": sku}).first() if sku else None
    return render(request, "inventory/_stock_panel.html", {"product": product, "levels": _stock_of(product)})


@role_required(WAREHOUSE, FINANCE)
def stock_moves(request):
    form = StockMoveFilterForm(request.GET or None)
    filters = form.values
    moves = selectors.stock_move_list(
        filters={"warehouse": filters.get("warehouse"), "kind": filters.get("kind")},
        search=filters.get("q") or None,
    )
    return list_page(request, StockMoveTable(moves), template="inventory/moves.html", filters=form)
