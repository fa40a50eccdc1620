"""Price list API shapes (API.md, Commercial documents)."""

from decimal import Decimal

from rest_framework import serializers

from o2c.api_fields import AmountField, DateField, IdField, QuantityField, TextField
from pricing.models import PriceList, PriceListItem


class PriceListItemIn(serializers.Serializer):
    product = IdField()
    min_quantity = QuantityField(min_value=Decimal("0"), required=False, default=Decimal("0"))
    unit_price = AmountField(min_value=Decimal("0"))


class PriceListIn(serializers.Serializer):
    name = TextField(max_length=100)
    currency = TextField(max_length=3, help_text="ISO 4217; the customers using it are billed in it")
    valid_from = DateField(required=False, allow_null=True, default=None)
    valid_to = DateField(required=False, allow_null=True, default=None, help_text="inclusive")
    items = PriceListItemIn(many=True, required=False, default=list, max_length=2000)


class PriceListItemOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku")

    class Meta:
        model = PriceListItem
        fields = ["id", "product", "product_sku", "min_quantity", "unit_price"]


class PriceListOut(serializers.ModelSerializer):
    items = PriceListItemOut(many=True)
    customer_count = serializers.IntegerField(help_text="customers that use it")

    class Meta:
        model = PriceList
        fields = [
            "id",
            "name",
            "currency",
            "valid_from",
            "valid_to",
            "items",
            "customer_count",
            "created_at",
            "updated_at",
        ]
