"""Opening stock: what each warehouse holds of each product when the books move over. A row sets
the quantity on hand (an adjustment move of the difference); its value at standard cost is
posted against the opening balances account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from imports.cells import cell_decimal, cell_text
from imports.kinds.base import Checked, Column, ImportKind, Progress, read
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from ledger.services import opening_balance_post
from o2c.parsing import MAX_QUANTITY
from o2c.roles import MANAGER

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from imports.files import Table


class StockKind(ImportKind):
    name = "stock"
    label = "Opening stock"
    roles = (MANAGER,)
    help = "The quantity on hand of each product in each warehouse; it replaces what is recorded."
    columns = (
        Column("sku", "WID-100", required=True, help="a product that exists (a stock product)"),
        Column("warehouse", "MAIN", required=True, help="a warehouse code that exists"),
        Column("quantity", "120", required=True, help="on hand, at most 3 decimals"),
    )

    def check_rows(
        self, table: Table, index: dict[str, int], checked: Checked, progress: Progress | None
    ) -> None:
        rows = list(self.cells(table, index, progress))
        products = inventory_selectors.products_by_sku(
            skus=[str(c.get("sku") or "").strip() for _, c in rows]
        )
        warehouses = inventory_selectors.warehouses_by_code(
            codes=[str(c.get("warehouse") or "").strip() for _, c in rows]
        )
        reserved = inventory_selectors.stock_reserved(product_ids=[p.pk for p in products.values()])
        known = inventory_selectors.stock_level_keys(product_ids=[p.pk for p in products.values()])
        seen: dict[tuple[str, str], int] = {}
        for number, cells in rows:
            errors_before = len(checked.errors)
            sku = read(checked, number, cell_text, cells.get("sku"), field="sku")
            code = read(checked, number, cell_text, cells.get("warehouse"), field="warehouse")
            quantity = read(
                checked,
                number,
                cell_decimal,
                cells.get("quantity"),
                field="quantity",
                places=3,
                maximum=MAX_QUANTITY,
            )
            for name, value in (("sku", sku), ("warehouse", code), ("quantity", quantity)):
                if value is None and not any(e["field"] == name for e in checked.errors[errors_before:]):
                    checked.error(number, name, "this field is required")
            product = products.get(sku) if sku else None
            warehouse = warehouses.get(code) if code else None
            if sku and product is None:
                checked.error(number, "sku", f"no product has SKU {sku}")
            elif product is not None and product.kind != "stock":
                checked.error(number, "sku", f"{sku} is a service and holds no stock")
            if code and warehouse is None:
                checked.error(number, "warehouse", f"no warehouse has code {code}")
            if sku and code:
                if (sku, code) in seen:
                    checked.error(number, "sku", f"{sku} in {code} is also on row {seen[(sku, code)]}")
                else:
                    seen[(sku, code)] = number
            if product is not None and warehouse is not None and quantity is not None:
                held = reserved.get((product.pk, warehouse.pk), Decimal("0"))
                if quantity < held:
                    checked.error(
                        number, "quantity", f"{held} are reserved for orders already: at least that"
                    )
            if len(checked.errors) == errors_before and product and warehouse and quantity is not None:
                checked.plan.append((number, product.pk, warehouse.pk, quantity))
                if (product.pk, warehouse.pk) in known:
                    checked.updated += 1
                else:
                    checked.created += 1

    def write(self, plan: list[Any], *, by: User | None) -> tuple[int, int]:
        today: date = timezone.localdate()
        reference = f"opening stock {today.isoformat()}"
        created, updated, value = inventory_services.opening_stock_set(
            levels=[(product_id, warehouse_id, quantity) for _, product_id, warehouse_id, quantity in plan],
            reference=reference,
            by=by,
        )
        opening_balance_post(
            entry_date=today,
            account="inventory",
            amount=value,
            memo=f"Opening stock, {len(plan)} rows",
            source="opening_stock",
            reference=reference,
            by=by,
        )
        return created, updated


STOCK = StockKind()
