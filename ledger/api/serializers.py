from decimal import Decimal

from rest_framework import serializers

from o2c.api_fields import AmountField, DateField, DateTimeField, TextField


class TrialBalanceQuery(serializers.Serializer):
    as_of = DateField(required=False)


# A sum of many journal lines is not bounded by the numeric(18, 2) of one line: with 18 digits the
# serializer raised InvalidOperation (a 500) once an account's total passed 10^16 (issue 11).
# 28 digits is what a Python Decimal holds exactly in its default context.
SUM_DIGITS = 28


def _sum_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2, **kwargs)


class TrialBalanceRowOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    debit = _sum_field()
    credit = _sum_field()
    balance = _sum_field()


class TrialBalanceOut(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True)
    accounts = TrialBalanceRowOut(many=True)
    total_debit = _sum_field()
    total_credit = _sum_field()


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
    posted_by = serializers.CharField(source="posted_by.username", default=None, allow_null=True)
    posted_at = DateTimeField()
    lines = JournalLineOut(many=True)


class JournalLineIn(serializers.Serializer):
    account = TextField(max_length=50, help_text="account code or key")
    debit = AmountField(min_value=Decimal("0"), default=Decimal("0"))
    credit = AmountField(min_value=Decimal("0"), default=Decimal("0"))
    description = TextField(max_length=300, required=False, allow_blank=True, default="")


class JournalEntryIn(serializers.Serializer):
    date = DateField()
    memo = TextField(multiline=True, max_length=500)
    lines = JournalLineIn(many=True, allow_empty=False, max_length=500)


class JournalReverseIn(serializers.Serializer):
    reason = TextField(multiline=True, max_length=300)
    date = DateField(required=False)


class LockDateIn(serializers.Serializer):
    lock_date = DateField(
        allow_null=True,
        help_text="nothing is posted on or before it; a past day; moving it back or null: managers only",
    )


class LockDateOut(serializers.Serializer):
    lock_date = serializers.DateField(allow_null=True)
    books_start = serializers.DateField(help_text="O2C_BOOKS_START: nothing is posted before it")
    latest_posting_date = serializers.DateField(help_text="today + one year: nothing is posted after it")
    updated_by = serializers.CharField(source="updated_by.username", default=None, allow_null=True)
    updated_at = DateTimeField(allow_null=True)
