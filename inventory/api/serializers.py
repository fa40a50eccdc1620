"""Inventory API shapes: products, warehouses, stock levels and goods receipts."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from inventory.errors import InventoryErrorCode
from inventory.models import Product, StockLevel, StockMove, Warehouse
from o2c.api_fields import AmountField, PercentField, QuantityField, TextField

MAX_RECEIPT_QUANTITY = Decimal("1000000000")  # 10^9 units in one receipt


class ProductIn(serializers.Serializer):
    sku = TextField(max_length=50)
    name = TextField(max_length=200)
    kind = serializers.ChoiceField(choices=Product.Kind.choices, default=Product.Kind.STOCK)
    unit_price = AmountField(min_value=Decimal("0"))
    tax_rate = PercentField(help_text='percent, e.g. "19.00"')
    standard_cost = AmountField(min_value=Decimal("0"), default=Decimal("0.00"))
    active = serializers.BooleanField(default=True)

    def validate_sku(self, value: str) -> str:
        return value.strip()


class ProductOut(serializers.ModelSerializer):
    available = serializers.DecimalField(
        max_digits=15,
        decimal_places=3,
        read_only=True,
        help_text="on hand − reserved over all warehouses; 0 for services",
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "kind",
            "unit_price",
            "tax_rate",
            "standard_cost",
            "active",
            "available",
        ]
        read_only_fields = fields


class WarehouseIn(serializers.Serializer):
    code = TextField(max_length=20)
    name = TextField(max_length=200)


class WarehouseOut(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name"]
        read_only_fields = fields


class StockLevelOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    available = serializers.DecimalField(max_digits=15, decimal_places=3, read_only=True)
    backordered = serializers.DecimalField(
        max_digits=15, decimal_places=3, read_only=True, help_text="what open orders wait for here"
    )

    class Meta:
        model = StockLevel
        fields = [
            "product",
            "product_sku",
            "warehouse",
            "warehouse_code",
            "on_hand",
            "reserved",
            "available",
            "backordered",
        ]
        read_only_fields = fields


class StockReceiptIn(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    quantity = QuantityField(max_value=MAX_RECEIPT_QUANTITY)
    reference = TextField(
        max_length=100, allow_blank=True, default="", help_text="delivery note or purchase order"
    )

    def validate_product(self, product: Product) -> Product:
        if product.kind != Product.Kind.STOCK:
            raise serializers.ValidationError(
                f"{product.sku} is a service and holds no stock",
                code=InventoryErrorCode.SERVICE_HOLDS_NO_STOCK,
            )
        if not product.active:
            raise serializers.ValidationError(
                f"{product.sku} is inactive", code=InventoryErrorCode.INACTIVE_PRODUCT
            )
        return product


class StockLevelAfterOut(serializers.Serializer):
    on_hand = serializers.DecimalField(max_digits=15, decimal_places=3)
    reserved = serializers.DecimalField(max_digits=15, decimal_places=3)
    available = serializers.DecimalField(max_digits=15, decimal_places=3)


class StockReceiptOut(serializers.ModelSerializer):
    """The receipt's stock move, and the stock level of its product and warehouse after it."""

    stock_level = StockLevelAfterOut(read_only=True)
    # a plain string here: a second enum named "kind" (beside the product's) collides in the schema
    kind = serializers.CharField(read_only=True, help_text='"receipt"')

    class Meta:
        model = StockMove
        fields = ["id", "kind", "product", "warehouse", "quantity", "reference", "created_at", "stock_level"]
        read_only_fields = fields
