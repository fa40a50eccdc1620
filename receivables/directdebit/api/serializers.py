from rest_framework import serializers

from o2c.api_fields import DateField, IdField, TextField
from receivables.directdebit.models import DirectDebitItem, DirectDebitRun, Mandate


class MandateIn(serializers.Serializer):
    customer = IdField()
    reference = TextField(max_length=35)
    iban = TextField(max_length=50, help_text="spaces and lower case allowed; checked (checksum, country)")
    bic = TextField(
        max_length=20, required=False, allow_blank=True, default="", help_text="derived when blank"
    )
    signed_on = DateField()
    debtor_name = TextField(
        max_length=70, required=False, allow_blank=True, default="", help_text="default: the customer's name"
    )
    scheme = serializers.ChoiceField(choices=Mandate.Scheme.choices, default=Mandate.Scheme.CORE)


class MandateRevokeIn(serializers.Serializer):
    reason = TextField(multiline=True, max_length=300)


class MandateOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code")

    class Meta:
        model = Mandate
        fields = [
            "id",
            "customer",
            "customer_code",
            "reference",
            "signed_on",
            "debtor_name",
            "iban",
            "bic",
            "scheme",
            "sequence",
            "status",
            "revoked_on",
            "revoke_reason",
            "created_at",
        ]


class DirectDebitRunIn(serializers.Serializer):
    due_by = DateField(help_text="collect the invoices due on or before this day")
    collection_date = DateField(help_text="the day the debtors' accounts are debited (today or later)")
    scheme = serializers.ChoiceField(choices=Mandate.Scheme.choices, default=Mandate.Scheme.CORE)


class DirectDebitItemOut(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number")
    customer_code = serializers.CharField(source="customer.code")
    mandate_reference = serializers.CharField(source="mandate.reference")
    payment = serializers.IntegerField(source="payment_id", allow_null=True)

    class Meta:
        model = DirectDebitItem
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "customer",
            "customer_code",
            "mandate",
            "mandate_reference",
            "amount",
            "currency",
            "sequence",
            "end_to_end_id",
            "status",
            "payment",
            "settled_on",
            "returned_on",
            "return_code",
            "return_reason",
        ]


class DirectDebitRunOut(serializers.ModelSerializer):
    items = DirectDebitItemOut(many=True, read_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = DirectDebitRun
        fields = [
            "id",
            "number",
            "due_by",
            "collection_date",
            "currency",
            "total",
            "items_count",
            "message_id",
            "schema",
            "file_name",
            "file_url",
            "created_at",
            "items",
        ]

    def get_file_url(self, run: DirectDebitRun) -> str:
        return f"/api/v1/direct-debits/runs/{run.pk}/file/"
