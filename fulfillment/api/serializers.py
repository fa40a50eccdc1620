from rest_framework import serializers

from fulfillment.models import Shipment, ShipmentLine
from o2c.api_fields import DateField, DateTimeField, IdField, QuantityField, TextField


class ShipmentLineIn(serializers.Serializer):
    order_line = IdField()
    quantity = QuantityField()


class ShipmentIn(serializers.Serializer):
    order = IdField()
    lines = ShipmentLineIn(many=True, required=False, allow_empty=False, max_length=500)


class ShipIn(serializers.Serializer):
    carrier = TextField(max_length=100)
    tracking_number = TextField(max_length=100, required=False, allow_blank=True, default="")
    estimated_delivery = DateField(required=False, allow_null=True, default=None)


class DeliverIn(serializers.Serializer):
    delivered_at = DateTimeField(required=False, allow_null=True, default=None)


class ShipmentLineOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku")

    class Meta:
        model = ShipmentLine
        fields = ["id", "order_line", "product", "product_sku", "quantity"]


class ShipmentOut(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number")
    invoice = serializers.SerializerMethodField()
    lines = ShipmentLineOut(many=True)
    packed_by = serializers.CharField(source="packed_by.username", default=None, allow_null=True)
    shipped_by = serializers.CharField(source="shipped_by.username", default=None, allow_null=True)
    delivered_by = serializers.CharField(source="delivered_by.username", default=None, allow_null=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "number",
            "order",
            "order_number",
            "warehouse",
            "status",
            "carrier",
            "tracking_number",
            "estimated_delivery",
            "packed_at",
            "packed_by",
            "shipped_at",
            "shipped_by",
            "delivered_at",
            "delivered_by",
            "late",
            "lines",
            "invoice",
            "created_at",
        ]

    def get_invoice(self, shipment) -> int | None:
        invoice = getattr(shipment, "invoice", None)
        return invoice.pk if invoice else None
