from rest_framework import serializers

from o2c.api_fields import AmountField, IdField, InvoiceLinePartIn, TextField
from receivables.disputes.models import Dispute


class DisputeIn(serializers.Serializer):
    requires_one_of = ("lines", "amount")  # the schema says it (o2c.api_schema); the service checks it

    invoice = IdField()
    amount = AmountField(
        required=False,
        help_text="a plain amount, split over the invoice's tax rates; the sum of `lines` when named",
    )
    lines = InvoiceLinePartIn(many=True, required=False, allow_empty=False, max_length=500)
    reason = serializers.ChoiceField(choices=Dispute.Reason.choices)
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
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    credit_note_number = serializers.CharField(source="credit_note.number", default=None, allow_null=True)
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
