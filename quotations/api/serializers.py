"""Quotation API shapes: as an order (API.md), plus `valid_until`; lines carry `price_source`."""

from rest_framework import serializers

from o2c.api_fields import DateField, IdField, TextField
from orders.api.serializers import OrderLineIn
from quotations.models import Quotation, QuotationEvent, QuotationLine


class QuotationIn(serializers.Serializer):
    customer = IdField()
    lines = OrderLineIn(many=True, allow_empty=False, max_length=500)
    valid_until = DateField(
        required=False, allow_null=True, help_text="left out: O2C_QUOTATION_VALID_DAYS from today"
    )
    requested_delivery_date = DateField(required=False, allow_null=True)
    customer_reference = TextField(max_length=100, required=False, allow_blank=True, default="")
    ship_to = TextField(multiline=True, required=False, allow_blank=True, allow_null=True, default=None)
    warehouse = IdField(required=False, allow_null=True, default=None)
    currency = TextField(max_length=3, required=False, allow_blank=True, default="")


class QuotationPatchIn(serializers.Serializer):
    lines = OrderLineIn(many=True, allow_empty=False, max_length=500, required=False)
    valid_until = DateField(required=False)
    requested_delivery_date = DateField(required=False, allow_null=True)
    customer_reference = TextField(max_length=100, required=False, allow_blank=True)
    ship_to = TextField(multiline=True, required=False, allow_blank=True)
    warehouse = IdField(required=False)


class DeclineIn(serializers.Serializer):
    reason = TextField(multiline=True, max_length=1000, help_text="why the customer declined")


class QuotationLineOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku")

    class Meta:
        model = QuotationLine
        fields = [
            "id",
            "position",
            "product",
            "product_sku",
            "description",
            "quantity",
            "unit_price",
            "price_source",
            "discount_percent",
            "tax_rate",
            "net_amount",
            "tax_amount",
            "total_amount",
        ]


class QuotationOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code")
    customer_name = serializers.CharField(source="customer.name")
    order_number = serializers.CharField(source="order.number", default=None, allow_null=True)
    order_status = serializers.CharField(
        source="order.status",
        default=None,
        allow_null=True,
        help_text="after the credit check: open or on_hold",
    )
    lines = QuotationLineOut(many=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Quotation
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "customer_name",
            "warehouse",
            "status",
            "currency",
            "exchange_rate",
            "quotation_date",
            "valid_until",
            "requested_delivery_date",
            "customer_reference",
            "ship_to",
            "net_total",
            "tax_total",
            "total",
            "decline_reason",
            "order",
            "order_number",
            "order_status",
            "lines",
            "created_at",
            "sent_at",
            "decided_at",
            "emailed_at",
            "pdf_url",
        ]

    def get_pdf_url(self, quotation) -> str:
        return f"/api/v1/quotations/{quotation.pk}/pdf/"


class QuotationEventOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = QuotationEvent
        fields = ["at", "actor", "event", "from_status", "to_status", "detail"]
