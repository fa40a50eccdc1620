from rest_framework import serializers

from o2c.api_fields import AmountField, DateField, IdField, IdOrCodeField, TextField
from receivables.models import Allocation, Payment, WriteOff


class AllocationIn(serializers.Serializer):
    invoice = IdField()
    amount = AmountField()


class PaymentIn(serializers.Serializer):
    customer = IdField()
    amount = AmountField()
    method = serializers.ChoiceField(choices=Payment.Method.choices, default=Payment.Method.BANK_TRANSFER)
    reference = TextField(max_length=200, allow_blank=True, default="")
    received_on = DateField()
    allocations = AllocationIn(many=True, required=False, max_length=500)
    confirm_duplicate = serializers.BooleanField(default=False)
    note = TextField(multiline=True, max_length=500, allow_blank=True, default="")


class ApplyIn(serializers.Serializer):
    allocations = AllocationIn(many=True, allow_empty=False, max_length=500)


class ReversalIn(serializers.Serializer):
    reason = TextField(multiline=True, max_length=500)


class RefundIn(serializers.Serializer):
    amount = AmountField()
    reason = TextField(multiline=True, max_length=500)


class AllocationReasonField(serializers.ChoiceField):
    """An allocation's reason (AllocationReason), null where it was made before reasons were kept."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "why this part of the payment went to this invoice")
        super().__init__(choices=Allocation.Reason.choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


class AllocationOut(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number")
    reason = AllocationReasonField()

    class Meta:
        model = Allocation
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "amount",
            "amount_base",
            "payment_base",
            "applied_on",
            "reversed_on",
            "reason",
        ]


class PaymentOut(serializers.ModelSerializer):
    allocations = AllocationOut(many=True)
    invoices = serializers.SerializerMethodField(help_text="the invoices it was applied to")

    class Meta:
        model = Payment
        fields = [
            "id",
            "number",
            "customer",
            "currency",
            "amount",
            "exchange_rate",
            "amount_base",
            "amount_applied",
            "amount_refunded",
            "unapplied_amount",
            "method",
            "reference",
            "received_on",
            "status",
            "source",
            "note",
            "reversed_on",
            "reversal_reason",
            "allocations",
            "invoices",
            "created_at",
        ]

    def get_invoices(self, payment) -> list[int]:
        return sorted({allocation.invoice_id for allocation in payment.allocations.all()})


class WriteOffIn(serializers.Serializer):
    invoice = IdField()
    amount = AmountField()
    reason = TextField(multiline=True, max_length=500)


class WriteOffOut(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number")

    class Meta:
        model = WriteOff
        fields = ["id", "invoice", "invoice_number", "customer", "amount", "reason", "written_off_on"]


class PaymentNotificationIn(serializers.Serializer):
    id = TextField(max_length=200)
    customer = IdOrCodeField(max_length=30, help_text="the customer's id (or its code)")
    amount = AmountField()
    currency = TextField(max_length=3)
    reference = TextField(max_length=200, allow_blank=True, default="")
    received_on = DateField()


class PaymentNotificationOut(serializers.Serializer):
    id = serializers.CharField()
    payment = serializers.IntegerField()
    payment_number = serializers.CharField()
    recorded = serializers.BooleanField(help_text="false when this event id was recorded before")
