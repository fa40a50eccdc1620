"""The inventory app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class InventoryErrorCode(ErrorCode):
    DUPLICATE_SKU = "duplicate_sku"
    DUPLICATE_WAREHOUSE_CODE = "duplicate_warehouse_code"
    SERVICE_HOLDS_NO_STOCK = "service_holds_no_stock"
    PRODUCT_HOLDS_STOCK = "product_holds_stock"
    INACTIVE_PRODUCT = "inactive_product"
    INSUFFICIENT_STOCK = "insufficient_stock"
    RELEASE_EXCEEDS_RESERVED = "release_exceeds_reserved"
