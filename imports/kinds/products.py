"""Products by `sku`: created, or updated in the columns the file has."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from imports.cells import cell_bool, cell_decimal, cell_text
from imports.kinds.base import Checked, Column, ImportKind, Progress, read
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from o2c.roles import MANAGER

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from imports.files import Table

NEW_NEEDS = ("name", "unit_price", "tax_rate")


class ProductsKind(ImportKind):
    name = "products"
    label = "Products"
    roles = (MANAGER,)
    help = "Products by SKU: a SKU that exists is updated, a new one is created."
    columns = (
        Column("sku", "WID-100", required=True, help="how rows find existing products"),
        Column("name", "Widget 100", help="required for a new product"),
        Column("kind", "stock", help="stock or service; stock when empty"),
        Column("unit_price", "12.50", help="required for a new product"),
        Column("tax_rate", "19.00", help="percent; required for a new product"),
        Column("standard_cost", "7.20"),
        Column("active", "yes"),
    )

    def check_rows(
        self, table: Table, index: dict[str, int], checked: Checked, progress: Progress | None
    ) -> None:
        rows = list(self.cells(table, index, progress))
        existing = inventory_selectors.products_by_sku(
            skus=[str(cells.get("sku") or "").strip() for _, cells in rows]
        )
        holding = inventory_selectors.products_holding_stock(product_ids=[p.pk for p in existing.values()])
        seen: dict[str, int] = {}
        for number, cells in rows:
            errors_before = len(checked.errors)
            fields: dict[str, Any] = {}
            for name in ("sku", "name", "kind"):
                value = read(checked, number, cell_text, cells.get(name), field=name)
                if value is not None:
                    fields[name] = value.lower() if name == "kind" else value
            for name in ("unit_price", "standard_cost"):
                amount = read(checked, number, cell_decimal, cells.get(name), field=name)
                if amount is not None:
                    fields[name] = amount
            rate = read(
                checked, number, cell_decimal, cells.get("tax_rate"), field="tax_rate", maximum=Decimal(100)
            )
            if rate is not None:
                fields["tax_rate"] = rate
            active = read(checked, number, cell_bool, cells.get("active"), field="active")
            if active is not None:
                fields["active"] = active
            sku = fields.get("sku")
            if not sku:
                if len(checked.errors) == errors_before:
                    checked.error(number, "sku", "this field is required")
                continue
            if sku in seen:
                checked.error(number, "sku", f"SKU {sku} is also on row {seen[sku]}")
                continue
            seen[sku] = number
            cleaned, refusals = inventory_services.product_fields_clean(fields=fields)
            for refusal in refusals:
                checked.refusal(number, refusal)
            product = existing.get(sku)
            if product is None:
                for name in NEW_NEEDS:
                    if name not in fields and not any(
                        e["field"] == name for e in checked.errors[errors_before:]
                    ):
                        checked.error(number, name, "required for a new product")
            elif cleaned.get("kind") == "service" and product.kind != "service" and product.pk in holding:
                checked.error(number, "kind", f"{sku} holds stock and cannot become a service")
            if len(checked.errors) == errors_before:
                checked.plan.append(cleaned)
                if product is None:
                    checked.created += 1
                else:
                    checked.updated += 1

    def write(self, plan: list[Any], *, by: User | None) -> tuple[int, int]:
        return inventory_services.products_import(rows=plan)


PRODUCTS = ProductsKind()
