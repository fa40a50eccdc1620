from django.contrib import admin

from inventory.models import Product, StockLevel, StockMove, Warehouse
from o2c.admin import ReadOnlyAdmin


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "kind", "unit_price", "tax_rate", "standard_cost", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["sku", "name"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["product", "warehouse", "on_hand", "reserved"]
    list_filter = ["warehouse"]
    list_select_related = ["product", "warehouse"]


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "product", "warehouse", "quantity", "reference"]
    list_filter = ["kind", "warehouse"]
    list_select_related = ["product", "warehouse"]
