from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from invoicing.selectors import tax_summary
from o2c.api_fields import AmountField, IdField, IdOrCodeField, InvoiceLinePartIn, TextField
from o2c.money import round_money
from o2c.paylinks import pay_path


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
    order_number = serializers.CharField(source="order.number", allow_null=True, default=None)
    days_overdue = serializers.IntegerField()
    disputed_amount = serializers.SerializerMethodField()
    tax_summary = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    pay_url = serializers.SerializerMethodField()
    lines = InvoiceLineOut(many=True)
    credit_notes = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()
    disputes = serializers.SerializerMethodField()

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
            "previous_number",
            "net_total",
            "tax_total",
            "total",
            "amount_paid",
            "amount_credited",
            "amount_written_off",
            "discount_percent",
            "discount_amount",
            "discount_due_date",
            "amount_discounted",
            "discount_note",
            "balance",
            "exchange_rate",
            "total_base",
            "balance_base",
            "disputed_amount",
            "days_overdue",
            "lines",
            "tax_summary",
            "pdf_url",
            "pay_url",
            "emailed_at",
            "credit_notes",
            "payments",
            "disputes",
        ]

    def get_credit_notes(self, invoice) -> list[int]:
        return [note.pk for note in invoice.credit_notes.all()]

    def get_payments(self, invoice) -> list[int]:
        """The payments applied to it (reversed applications included: the trail)."""
        return sorted({allocation.payment_id for allocation in invoice.allocations.all()})

    def get_disputes(self, invoice) -> list[int]:
        return sorted(dispute.pk for dispute in invoice.disputes.all())

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=2))
    def get_disputed_amount(self, invoice) -> str:
        """The amount in open disputes, at most the balance; a string like every amount."""
        disputed = getattr(invoice, "disputed", None) or Decimal("0.00")
        return str(round_money(min(disputed, invoice.balance)))

    @extend_schema_field(TaxSummaryOut(many=True))
    def get_tax_summary(self, invoice):
        return TaxSummaryOut(tax_summary(invoice), many=True).data

    def get_pdf_url(self, invoice) -> str:
        path = reverse("api-invoice-pdf", args=[invoice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pay_url(self, invoice) -> str | None:
        """A signed link to pay what is open through the payment provider; null when nothing is."""
        if invoice.balance <= 0:
            return None
        path = pay_path(invoice.pk)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class CreditNoteIn(serializers.Serializer):
    requires_one_of = ("lines", "amount")  # the schema says it (o2c.api_schema); the service checks it

    invoice = IdOrCodeField(max_length=30, help_text="the invoice's id or number")
    reason = TextField(
        multiline=True, max_length=500, help_text="printed on the credit note: for the customer"
    )
    lines = InvoiceLinePartIn(many=True, required=False, allow_empty=False, max_length=500)
    amount = AmountField(required=False)
    dispute = IdField(
        required=False,
        help_text="the open dispute this credit note answers (it is resolved as credited)",
    )
    confirm_unrelated = serializers.BooleanField(
        default=False, help_text="the invoice has an open dispute and this credit is not about it"
    )


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
    order = serializers.IntegerField(source="invoice.order_id", allow_null=True)
    dispute = serializers.SerializerMethodField(help_text="the dispute it resolves")
    returns = serializers.SerializerMethodField(help_text="the returns (RMA) whose receipt issued it")
    amount_on_account = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        help_text="the part beyond what was open on the invoice, given back to the customer as "
        "unapplied cash of the payments that paid it (apply or refund it there)",
    )

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "invoice",
            "invoice_number",
            "order",
            "dispute",
            "customer",
            "currency",
            "issue_date",
            "reason",
            "net_total",
            "tax_total",
            "total",
            "exchange_rate",
            "total_base",
            "amount_on_account",
            "lines",
            "returns",
            "emailed_at",
        ]

    def get_dispute(self, note) -> int | None:
        return next((dispute.pk for dispute in note.disputes.all()), None)

    def get_returns(self, note) -> list[int]:
        return sorted(rma.pk for rma in note.returns.all())
