"""The four kinds of import: their columns (the template), the check of every row (the dry run)
and the write through the owning app's services (the real run)."""

from __future__ import annotations

from imports.kinds.base import Checked, Column, ImportKind, RowError
from imports.kinds.customers import CUSTOMERS
from imports.kinds.open_invoices import OPEN_INVOICES
from imports.kinds.products import PRODUCTS
from imports.kinds.stock import STOCK

KINDS: dict[str, ImportKind] = {kind.name: kind for kind in (CUSTOMERS, PRODUCTS, STOCK, OPEN_INVOICES)}

__all__ = ["KINDS", "Checked", "Column", "ImportKind", "RowError"]
