"""Inventory writes: master data and stock receipts. Stock levels change only with a move."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from inventory.models import Product, StockLevel, StockMove, Warehouse
from o2c.errors import DomainError
from o2c.money import round_quantity


@transaction.atomic
def product_create(
    *,
    sku: str,
    name: str,
    unit_price: Decimal,
    tax_rate: Decimal,
    kind: str = Product.Kind.STOCK,
    standard_cost: Decimal = Decimal("0"),
    active: bool = True,
) -> Product:
    if Product.objects.filter(sku=sku).exists():
        raise DomainError(f"a product with SKU {sku} already exists", field="sku")
    product = Product(
        sku=sku,
        name=name,
        kind=kind,
        unit_price=unit_price,
        tax_rate=tax_rate,
        standard_cost=standard_cost,
        active=active,
    )
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def warehouse_create(*, code: str, name: str) -> Warehouse:
    if Warehouse.objects.filter(code=code).exists():
        raise DomainError(f"a warehouse with code {code} already exists", field="code")
    return Warehouse.objects.create(code=code, name=name)


def stock_level_lock(*, product_id: int, warehouse_id: int) -> StockLevel:
    """The stock level row, created if missing, locked for the rest of the transaction."""
    StockLevel.objects.get_or_create(product_id=product_id, warehouse_id=warehouse_id)
    return StockLevel.objects.select_for_update().get(product_id=product_id, warehouse_id=warehouse_id)


@transaction.atomic
def stock_receive(
    *, product_id: int, warehouse_id: int, quantity: Decimal, reference: str = "", by=None
) -> StockMove:
    """Goods in: a receipt move and `on_hand` up by the same quantity, in one transaction."""
    quantity = round_quantity(Decimal(quantity))
    if quantity <= 0:
        raise DomainError("a receipt adds a positive quantity", field="quantity")
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise DomainError("unknown product", field="product")
    if product.kind != Product.Kind.STOCK:
        raise DomainError(f"{product.sku} is a service and holds no stock", field="product")
    level = stock_level_lock(product_id=product_id, warehouse_id=warehouse_id)
    level.on_hand += quantity
    level.save(update_fields=["on_hand"])
    return StockMove.objects.create(
        product_id=product_id,
        warehouse_id=warehouse_id,
        kind=StockMove.Kind.RECEIPT,
        quantity=quantity,
        reference=reference,
        created_by=by,
    )
