"""Inventory writes: master data and stock receipts. Stock levels change only with a move."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from inventory.errors import InventoryErrorCode
from inventory.models import Product, StockLevel, StockMove, Warehouse
from inventory.selectors import products_holding_stock
from o2c import locks
from o2c.errors import DomainError, KernelErrorCode
from o2c.money import round_money, round_quantity
from o2c.parsing import MAX_AMOUNT, text_check

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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
        raise DomainError(
            f"a product with SKU {sku} already exists", field="sku", code=InventoryErrorCode.DUPLICATE_SKU
        )
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
        raise DomainError(
            f"a warehouse with code {code} already exists",
            field="code",
            code=InventoryErrorCode.DUPLICATE_WAREHOUSE_CODE,
        )
    return Warehouse.objects.create(code=code, name=name)


def stock_level_lock(*, product_id: int, warehouse_id: int) -> StockLevel:
    """The stock level row, created if missing, locked for the rest of the transaction."""
    StockLevel.objects.get_or_create(product_id=product_id, warehouse_id=warehouse_id)
    return locks.stock_level_lock(product_id=product_id, warehouse_id=warehouse_id)


def stock_levels_lock(*, product_ids: list[int], warehouse_id: int) -> dict[int, StockLevel]:
    """Lock the stock levels of `product_ids` in one warehouse, in product order (the fixed lock
    order that keeps concurrent allocations free of deadlocks); missing rows are created."""
    ids = sorted(set(product_ids))
    # Lock what exists (one statement, the usual case); only when a row is missing, create the
    # missing ones and lock again: a row inserted meanwhile by another transaction is then
    # locked in the same product order as the rest.
    levels = locks.stock_levels_lock(product_ids=ids, warehouse_id=warehouse_id)
    missing = [StockLevel(product_id=pid, warehouse_id=warehouse_id) for pid in ids if pid not in levels]
    if not missing:
        return levels
    StockLevel.objects.bulk_create(missing, ignore_conflicts=True)
    return locks.stock_levels_lock(product_ids=ids, warehouse_id=warehouse_id)


def stock_reserve(*, level: StockLevel, quantity: Decimal) -> Decimal:
    """Reserve up to `quantity` of a locked stock level; returns what could be reserved."""
    reservable = min(max(level.on_hand - level.reserved, Decimal(0)), quantity)
    if reservable > 0:
        level.reserved += reservable
        level.save(update_fields=["reserved"])
    return reservable


def stock_release(*, level: StockLevel, quantity: Decimal) -> None:
    """Give back `quantity` reserved on a locked stock level."""
    if quantity <= 0:
        return
    if quantity > level.reserved:
        raise DomainError(
            f"cannot release {quantity}: only {level.reserved} reserved",
            field="quantity",
            code=InventoryErrorCode.RELEASE_EXCEEDS_RESERVED,
        )
    level.reserved -= quantity
    level.save(update_fields=["reserved"])


@transaction.atomic
def stock_receive(
    *, product_id: int, warehouse_id: int, quantity: Decimal, reference: str = "", by: User | None = None
) -> StockMove:
    """Goods in: a receipt move and `on_hand` up by the same quantity, in one transaction."""
    quantity = round_quantity(Decimal(quantity))
    if quantity <= 0:
        raise DomainError(
            "a receipt adds a positive quantity", field="quantity", code=KernelErrorCode.NOT_POSITIVE
        )
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise DomainError("unknown product", field="product", code=KernelErrorCode.DOES_NOT_EXIST)
    if product.kind != Product.Kind.STOCK:
        raise DomainError(
            f"{product.sku} is a service and holds no stock",
            field="product",
            code=InventoryErrorCode.SERVICE_HOLDS_NO_STOCK,
        )
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


PRODUCT_FIELDS = ("sku", "name", "kind", "unit_price", "tax_rate", "standard_cost", "active")


def _product_fields_check(fields: dict[str, Any]) -> None:
    """The rules of a product's master data; raises a DomainError naming the field."""
    unknown = sorted(set(fields) - set(PRODUCT_FIELDS))
    if unknown:
        raise DomainError(
            f"unknown product field {unknown[0]}", field=unknown[0], code=KernelErrorCode.UNKNOWN_FIELD
        )
    for name in ("sku", "name"):
        if name in fields and not str(fields[name]).strip():
            raise DomainError("this field may not be blank", field=name, code=KernelErrorCode.BLANK)
    if "kind" in fields and fields["kind"] not in Product.Kind.values:
        raise DomainError(
            f"kind is one of {', '.join(Product.Kind.values)}",
            field="kind",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    for name in ("unit_price", "standard_cost"):
        if name in fields and Decimal(fields[name]) < 0:
            raise DomainError("may not be negative", field=name, code=KernelErrorCode.OUT_OF_RANGE)
        if name in fields and Decimal(fields[name]) > MAX_AMOUNT:
            raise DomainError(f"is at most {MAX_AMOUNT}", field=name, code=KernelErrorCode.AMOUNT_TOO_LARGE)
    if "tax_rate" in fields and not Decimal(0) <= Decimal(fields["tax_rate"]) <= Decimal(100):
        raise DomainError(
            "a tax rate is a percentage from 0 to 100", field="tax_rate", code=KernelErrorCode.OUT_OF_RANGE
        )


@transaction.atomic
def product_update(*, product_id: int, **fields: Any) -> Product:
    """Change the fields given of a product (locked first). A product that holds or has
    reserved stock cannot become a service: its stock would be stranded."""
    _product_fields_check(fields)
    product = locks.product_lock(product_id=product_id)
    changed = [name for name, value in fields.items() if getattr(product, name) != value]
    if not changed:
        return product
    if "sku" in changed and Product.objects.filter(sku=fields["sku"]).exclude(pk=product.pk).exists():
        raise DomainError(
            f"a product with SKU {fields['sku']} already exists",
            field="sku",
            code=InventoryErrorCode.DUPLICATE_SKU,
        )
    if (
        "kind" in changed
        and fields["kind"] == Product.Kind.SERVICE
        and StockLevel.objects.filter(product=product).exclude(on_hand=0, reserved=0).exists()
    ):
        raise DomainError(
            f"{product.sku} holds stock and cannot become a service",
            field="kind",
            code=InventoryErrorCode.PRODUCT_HOLDS_STOCK,
        )
    for name in changed:
        setattr(product, name, fields[name])
    product.full_clean(validate_unique=False)
    product.save(update_fields=changed)
    return product


def stock_return(
    *, level: StockLevel, quantity: Decimal, reference: str = "", by: User | None = None
) -> StockMove:
    """Goods a customer sent back, onto a locked stock level: `on_hand` up and a return move."""
    if quantity <= 0:
        raise DomainError(
            "a return adds a positive quantity", field="quantity", code=KernelErrorCode.NOT_POSITIVE
        )
    level.on_hand += quantity
    level.save(update_fields=["on_hand"])
    return StockMove.objects.create(
        product_id=level.product_id,
        warehouse_id=level.warehouse_id,
        kind=StockMove.Kind.RETURN,
        quantity=quantity,
        reference=reference,
        created_by=by,
    )


_MAX_LENGTHS = {"sku": 50, "name": 200}


def product_fields_clean(*, fields: dict[str, Any]) -> tuple[dict[str, Any], list[DomainError]]:
    """Each of `fields` checked on its own by the product rules: the clean fields and every
    refusal, for an import's row-by-row report."""
    cleaned: dict[str, Any] = {}
    errors: list[DomainError] = []
    for name, value in fields.items():
        try:
            if isinstance(value, str):
                value = text_check(value.strip(), field=name)
                if name in _MAX_LENGTHS and len(value) > _MAX_LENGTHS[name]:
                    raise DomainError(
                        f"at most {_MAX_LENGTHS[name]} characters",
                        field=name,
                        code=KernelErrorCode.MAX_LENGTH,
                    )
            _product_fields_check({name: value})
            cleaned[name] = value
        except DomainError as error:
            errors.append(error)
    return cleaned, errors


@transaction.atomic
def products_import(*, rows: list[dict[str, Any]], batch_size: int = 2000) -> tuple[int, int]:
    """Create or update products by `sku` from fields cleaned by `product_fields_clean`, in bulk.
    A product that holds stock does not become a service. Returns (created, updated)."""
    skus = [row["sku"] for row in rows]
    existing = {product.sku: product for product in Product.objects.filter(sku__in=skus)}
    new: list[Product] = []
    changed: list[Product] = []
    changed_fields: set[str] = set()
    for row in rows:
        product = existing.get(row["sku"])
        if product is None:
            new.append(Product(**row))
            continue
        names = [name for name, value in row.items() if getattr(product, name) != value]
        if (
            "kind" in names
            and row["kind"] == Product.Kind.SERVICE
            and product.pk in products_holding_stock(product_ids=[product.pk])
        ):
            raise DomainError(
                f"{product.sku} holds stock and cannot become a service",
                field="kind",
                code=InventoryErrorCode.PRODUCT_HOLDS_STOCK,
            )
        for name in names:
            setattr(product, name, row[name])
        if names:
            changed.append(product)
            changed_fields.update(names)
    Product.objects.bulk_create(new, batch_size=batch_size)
    if changed:
        Product.objects.bulk_update(changed, sorted(changed_fields), batch_size=batch_size)
    return len(new), len(rows) - len(new)


@transaction.atomic
def opening_stock_set(
    *, levels: list[tuple[int, int, Decimal]], reference: str, by: User | None = None
) -> tuple[int, int, Decimal]:
    """Opening stock carried over from a previous system: each (product id, warehouse id,
    quantity) sets what the warehouse holds, by an adjustment move of the difference. Levels are
    locked per warehouse in product order. Returns (created, updated, value): levels that did not
    exist before, those that did, and the differences' value at standard cost, which the caller
    posts (Dr inventory / Cr opening balances, ledger.services.opening_balance_post)."""
    by_warehouse: dict[int, list[tuple[int, Decimal]]] = {}
    for product_id, warehouse_id, quantity in levels:
        by_warehouse.setdefault(warehouse_id, []).append((product_id, quantity))
    costs = dict(
        Product.objects.filter(pk__in={level[0] for level in levels}).values_list("pk", "standard_cost")
    )
    created = updated = 0
    value = Decimal("0")
    moves: list[StockMove] = []
    for warehouse_id, items in sorted(by_warehouse.items()):
        known = set(
            StockLevel.objects.filter(
                warehouse_id=warehouse_id, product_id__in=[product_id for product_id, _ in items]
            ).values_list("product_id", flat=True)
        )
        locked = stock_levels_lock(
            product_ids=[product_id for product_id, _ in items], warehouse_id=warehouse_id
        )
        for product_id, quantity in items:
            level = locked[product_id]
            if product_id in known:
                updated += 1
            else:
                created += 1
            if quantity < level.reserved:
                raise DomainError(
                    f"{level.reserved} of it are reserved for orders already",
                    field="quantity",
                    code=InventoryErrorCode.RELEASE_EXCEEDS_RESERVED,
                )
            delta = round_quantity(quantity - level.on_hand)
            if not delta:
                continue
            level.on_hand = quantity
            level.save(update_fields=["on_hand"])
            value += delta * costs[product_id]
            moves.append(
                StockMove(
                    product_id=product_id,
                    warehouse_id=warehouse_id,
                    kind=StockMove.Kind.ADJUSTMENT,
                    quantity=delta,
                    reference=reference[:100],
                    created_by=by,
                )
            )
    StockMove.objects.bulk_create(moves)
    return created, updated, round_money(value)
