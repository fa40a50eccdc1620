from rest_framework import serializers

from o2c.api_fields import IdField, QuantityField, TextField
from returns.models import Return, ReturnLine


class ReturnLineIn(serializers.Serializer):
    order_line = IdField()
    quantity = QuantityField()
    restock = serializers.BooleanField(required=False, default=True)


class ReturnIn(serializers.Serializer):
    order = IdField()
    lines = ReturnLineIn(many=True, allow_empty=False, max_length=500)
    reason = TextField(max_length=500)


class ReceiveLineIn(serializers.Serializer):
    order_line = IdField()
    quantity = QuantityField(help_text="received; 0 when it did not come back")
    restock = serializers.BooleanField(help_text="false: damaged, written off")


class ReceiveIn(serializers.Serializer):
    lines = ReceiveLineIn(
        many=True,
        required=False,
        allow_empty=False,
        max_length=500,
        help_text="default: everything announced, as announced",
    )


class CancelIn(serializers.Serializer):
    reason = TextField(max_length=500)


class ReturnLineOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku")

    class Meta:
        model = ReturnLine
        fields = [
            "id",
            "order_line",
            "product",
            "product_sku",
            "quantity",
            "restock",
            "quantity_received",
            "unit_cost",
        ]


class ReturnOut(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number")
    lines = ReturnLineOut(many=True)
    credit_notes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    received_by = serializers.CharField(source="received_by.username", default=None, allow_null=True)

    class Meta:
        model = Return
        fields = [
            "id",
            "number",
            "order",
            "order_number",
            "customer",
            "warehouse",
            "status",
            "reason",
            "lines",
            "credit_notes",
            "created_at",
            "received_at",
            "received_by",
        ]
