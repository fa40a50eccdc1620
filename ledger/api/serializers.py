from decimal import Decimal

from rest_framework import serializers

from o2c.api_fields import AmountField, DateField, TextField


class TrialBalanceQuery(serializers.Serializer):
    as_of = DateField(required=False)


class TrialBalanceRowOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    debit = serializers.DecimalField(max_digits=18, decimal_places=2)
    credit = serializers.DecimalField(max_digits=18, decimal_places=2)
    balance = serializers.DecimalField(max_digits=18, decimal_places=2)


class TrialBalanceOut(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True)
    accounts = TrialBalanceRowOut(many=True)
    total_debit = serializers.DecimalField(max_digits=18, decimal_places=2)
    total_credit = serializers.DecimalField(max_digits=18, decimal_places=2)


class JournalQuery(serializers.Serializer):
    source = TextField(required=False)
    account = TextField(required=False, help_text="account code or key")
    to = DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = DateField(required=False)  # a Python keyword, hence here
        return fields


class JournalLineOut(serializers.Serializer):
    account = serializers.CharField(source="account.code")
    account_name = serializers.CharField(source="account.name")
    debit = serializers.DecimalField(max_digits=18, decimal_places=2)
    credit = serializers.DecimalField(max_digits=18, decimal_places=2)
    currency = serializers.CharField()
    amount_currency = serializers.DecimalField(max_digits=18, decimal_places=2)
    description = serializers.CharField()


class JournalEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    date = serializers.DateField()
    memo = serializers.CharField()
    source = serializers.CharField()
    source_reference = serializers.CharField()
    reversal_of = serializers.IntegerField(source="reversal_of_id", allow_null=True)
    posted_by = serializers.CharField(source="posted_by.username", default=None)
    posted_at = serializers.DateTimeField()
    lines = JournalLineOut(many=True)


class JournalLineIn(serializers.Serializer):
    account = TextField(max_length=50, help_text="account code or key")
    debit = AmountField(min_value=Decimal("0"), default=Decimal("0"))
    credit = AmountField(min_value=Decimal("0"), default=Decimal("0"))
    description = TextField(max_length=300, required=False, default="")


class JournalEntryIn(serializers.Serializer):
    date = DateField()
    memo = TextField(multiline=True, max_length=500)
    lines = JournalLineIn(many=True, allow_empty=False, max_length=500)


class JournalReverseIn(serializers.Serializer):
    reason = TextField(multiline=True, max_length=300)
    date = DateField(required=False)
