from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from invoicing.selectors import tax_summary
from o2c.api_fields import AmountField, IdField, QuantityField, TextField


class InvoiceLineOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku")

    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "position",
            "order_line",
            "product",
            "product_sku",
            "description",
            "quantity",
            "unit_price",
            "discount_percent",
            "tax_rate",
            "net_amount",
            "tax_amount",
            "total_amount",
        ]


class TaxSummaryOut(serializers.Serializer):
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    net = serializers.DecimalField(max_digits=18, decimal_places=2)
    tax = serializers.DecimalField(max_digits=18, decimal_places=2)


class InvoiceOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code")
    order_number = serializers.CharField(source="order.number")
    days_overdue = serializers.IntegerField()
    disputed_amount = serializers.SerializerMethodField()
    tax_summary = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    lines = InvoiceLineOut(many=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "status",
            "customer",
            "customer_code",
            "order",
            "order_number",
            "shipment",
            "issue_date",
            "due_date",
            "currency",
            "customer_reference",
            "net_total",
            "tax_total",
            "total",
            "amount_paid",
            "amount_credited",
            "amount_written_off",
            "balance",
            "disputed_amount",
            "days_overdue",
            "lines",
            "tax_summary",
            "pdf_url",
            "emailed_at",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=2))
    def get_disputed_amount(self, invoice) -> str:
        """The amount in open disputes, at most the balance; a string like every amount."""
        disputed = getattr(invoice, "disputed", None) or Decimal("0.00")
        return str(min(disputed, invoice.balance).quantize(Decimal("0.01")))

    @extend_schema_field(TaxSummaryOut(many=True))
    def get_tax_summary(self, invoice):
        return TaxSummaryOut(tax_summary(invoice), many=True).data

    def get_pdf_url(self, invoice) -> str:
        path = reverse("api-invoice-pdf", args=[invoice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class CreditLineIn(serializers.Serializer):
    invoice_line = IdField()
    quantity = QuantityField()


class CreditNoteIn(serializers.Serializer):
    invoice = TextField(max_length=30, help_text="the invoice's id or number")
    reason = TextField(multiline=True, max_length=500)
    lines = CreditLineIn(many=True, required=False, allow_empty=False, max_length=500)
    amount = AmountField(required=False)


class CreditNoteLineOut(serializers.ModelSerializer):
    class Meta:
        model = CreditNoteLine
        fields = [
            "id",
            "invoice_line",
            "description",
            "quantity",
            "tax_rate",
            "net_amount",
            "tax_amount",
            "total_amount",
        ]


class CreditNoteOut(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number")
    lines = CreditNoteLineOut(many=True)

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "invoice",
            "invoice_number",
            "customer",
            "currency",
            "issue_date",
            "reason",
            "net_total",
            "tax_total",
            "total",
            "lines",
            "emailed_at",
        ]
