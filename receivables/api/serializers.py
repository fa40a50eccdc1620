from rest_framework import serializers

from o2c.api_fields import AmountField, DateField, IdField, QuantityField, TextField
from receivables.models import Allocation, Dispute, Payment, WriteOff


class AllocationIn(serializers.Serializer):
    invoice = IdField()
    amount = AmountField()


class PaymentIn(serializers.Serializer):
    customer = IdField()
    amount = AmountField()
    method = serializers.ChoiceField(choices=Payment.Method.values, default=Payment.Method.BANK_TRANSFER)
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


class AllocationOut(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number")

    class Meta:
        model = Allocation
        fields = ["id", "invoice", "invoice_number", "amount", "applied_on", "reversed_on"]


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


class DisputeLineIn(serializers.Serializer):
    invoice_line = IdField()
    quantity = QuantityField(required=False)
    amount = AmountField(required=False, help_text="gross, tax included")

    def validate(self, attrs):
        if ("quantity" in attrs) == ("amount" in attrs):
            raise serializers.ValidationError("give the quantity or the amount of the line")
        return attrs


class DisputeIn(serializers.Serializer):
    invoice = IdField()
    amount = AmountField(
        required=False,
        help_text="a plain amount, split over the invoice's tax rates; the sum of `lines` when named",
    )
    lines = DisputeLineIn(many=True, required=False, allow_empty=False, max_length=500)
    reason = serializers.ChoiceField(choices=Dispute.Reason.values)
    note = TextField(multiline=True, allow_blank=True, default="", max_length=4000, help_text="internal")
    customer_message = TextField(
        multiline=True, allow_blank=True, default="", max_length=300, help_text="printed on the credit note"
    )
    owner = IdField(required=False, help_text="a finance user's id")


class DisputeResolveIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["credit_note", "rejected", "withdrawn"])
    note = TextField(multiline=True, allow_blank=True, default="", max_length=4000, help_text="internal")
    customer_message = TextField(
        multiline=True,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="printed on the credit note (the dispute's own message when blank)",
    )


class DisputeLineOut(serializers.Serializer):
    invoice_line = serializers.IntegerField(source="invoice_line_id")
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3, allow_null=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class DisputeOut(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number")
    owner = serializers.CharField(source="owner.username", default=None)
    credit_note_number = serializers.CharField(source="credit_note.number", default=None)
    lines = DisputeLineOut(many=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "customer",
            "amount",
            "lines",
            "reason",
            "note",
            "customer_message",
            "status",
            "owner",
            "opened_on",
            "resolved_on",
            "resolution_note",
            "credit_note",
            "credit_note_number",
        ]


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
    customer = TextField(max_length=30, help_text="the customer's id (or its code)")
    amount = AmountField()
    currency = TextField(max_length=3)
    reference = TextField(max_length=200, allow_blank=True, default="")
    received_on = DateField()


class PaymentNotificationOut(serializers.Serializer):
    id = serializers.CharField()
    payment = serializers.IntegerField()
    payment_number = serializers.CharField()
    recorded = serializers.BooleanField(help_text="false when this event id was recorded before")
