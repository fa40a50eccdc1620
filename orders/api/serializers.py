from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from o2c.api_fields import AmountField, DateField, IdField, PercentField, QuantityField, TextField
from orders.models import OrderEvent, SalesOrder, SalesOrderLine


class OrderLineIn(serializers.Serializer):
    product = IdField()
    quantity = QuantityField()
    unit_price = AmountField(
        min_value=Decimal("0"),
        required=False,
        help_text="left out: the customer's price list for this quantity, else the product price; "
        "given: a manual price (price_source `manual`)",
    )
    discount_percent = PercentField(required=False, default=Decimal("0"))


class OrderIn(serializers.Serializer):
    customer = IdField()
    lines = OrderLineIn(many=True, allow_empty=False, max_length=500)
    requested_delivery_date = DateField(required=False, allow_null=True)
    customer_reference = TextField(max_length=100, required=False, allow_blank=True, default="")
    ship_to = TextField(multiline=True, required=False, allow_blank=True, allow_null=True, default=None)
    warehouse = IdField(required=False, allow_null=True, default=None)
    currency = TextField(max_length=3, required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False)


class OrderPatchIn(serializers.Serializer):
    lines = OrderLineIn(many=True, allow_empty=False, max_length=500, required=False)
    requested_delivery_date = DateField(required=False, allow_null=True)
    customer_reference = TextField(max_length=100, required=False, allow_blank=True)
    ship_to = TextField(multiline=True, required=False, allow_blank=True)
    warehouse = IdField(required=False)


class NoteIn(serializers.Serializer):
    """Why finance releases or rejects a credit hold: required, as on the hold queue page."""

    note = TextField(multiline=True, max_length=1000, help_text="why the hold is released or rejected")


class ReasonIn(serializers.Serializer):
    reason = TextField(multiline=True, max_length=1000)


class OrderLineOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku")

    class Meta:
        model = SalesOrderLine
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
            "quantity_reserved",
            "quantity_backordered",
            "quantity_shipped",
            "quantity_invoiced",
            "quantity_returned",
        ]


class CreditDecisionOut(serializers.Serializer):
    outcome = serializers.CharField()
    reason = serializers.CharField()
    exposure = serializers.DecimalField(max_digits=18, decimal_places=2)
    credit_limit = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)


class OrderOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code")
    customer_name = serializers.CharField(source="customer.name")
    credit_decision = serializers.SerializerMethodField()
    lines = OrderLineOut(many=True)
    shipments = serializers.SerializerMethodField()
    invoices = serializers.SerializerMethodField()
    credit_notes = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()
    returns = serializers.SerializerMethodField(help_text="its returns (RMA)")
    quotation = serializers.SerializerMethodField(help_text="the quotation it was accepted from")

    class Meta:
        model = SalesOrder
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "customer_name",
            "warehouse",
            "status",
            "fulfillment_status",
            "billing_status",
            "payment_status",
            "currency",
            "exchange_rate",
            "order_date",
            "requested_delivery_date",
            "customer_reference",
            "ship_to",
            "net_total",
            "tax_total",
            "total",
            "credit_decision",
            "lines",
            "late",
            "created_at",
            "submitted_at",
            "shipments",
            "invoices",
            "credit_notes",
            "payments",
            "returns",
            "quotation",
        ]

    def get_shipments(self, order) -> list[int]:
        return sorted(shipment.pk for shipment in order.shipments.all())

    def get_returns(self, order) -> list[int]:
        return sorted(rma.pk for rma in order.returns.all())

    def get_quotation(self, order) -> int | None:
        try:
            return order.quotation.pk
        except ObjectDoesNotExist:
            return None

    def get_invoices(self, order) -> list[int]:
        return sorted(invoice.pk for invoice in order.invoices.all())

    def get_credit_notes(self, order) -> list[int]:
        return sorted(note.pk for invoice in order.invoices.all() for note in invoice.credit_notes.all())

    def get_payments(self, order) -> list[int]:
        """The payments applied to its invoices."""
        return sorted(
            {
                allocation.payment_id
                for invoice in order.invoices.all()
                for allocation in invoice.allocations.all()
            }
        )

    @extend_schema_field(CreditDecisionOut(allow_null=True))
    def get_credit_decision(self, order):
        if getattr(order, "credit_outcome", None) is None:
            return None
        return CreditDecisionOut(
            {
                "outcome": order.credit_outcome,
                "reason": order.credit_reason,
                "exposure": order.credit_exposure,
                "credit_limit": order.credit_limit_at_decision,
            }
        ).data


class OrderEventOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = OrderEvent
        fields = ["at", "actor", "event", "from_status", "to_status", "detail"]
