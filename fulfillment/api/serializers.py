from rest_framework import serializers

from fulfillment.models import Shipment, ShipmentLine


class ShipmentLineIn(serializers.Serializer):
    order_line = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3)


class ShipmentIn(serializers.Serializer):
    order = serializers.IntegerField()
    lines = ShipmentLineIn(many=True, required=False, allow_empty=False)


class ShipIn(serializers.Serializer):
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    estimated_delivery = serializers.DateField(required=False, allow_null=True, default=None)


class DeliverIn(serializers.Serializer):
    delivered_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ShipmentLineOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku")

    class Meta:
        model = ShipmentLine
        fields = ["id", "order_line", "product", "product_sku", "quantity"]


class ShipmentOut(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number")
    invoice = serializers.SerializerMethodField()
    lines = ShipmentLineOut(many=True)

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
            "shipped_at",
            "delivered_at",
            "late",
            "lines",
            "invoice",
            "created_at",
        ]

    def get_invoice(self, shipment) -> int | None:
        invoice = getattr(shipment, "invoice", None)
        return invoice.pk if invoice else None
