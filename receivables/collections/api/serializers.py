from rest_framework import serializers

from o2c.api_fields import AmountField, DateField, IdField, TextField
from receivables.collections.models import Activity, Promise


class PromiseIn(serializers.Serializer):
    customer = IdField()
    invoices = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=500,
        help_text="none: the account as a whole",
    )
    amount = AmountField()
    promised_on = DateField()
    note = TextField(multiline=True, allow_blank=True, default="", max_length=4000)


class PromiseCancelIn(serializers.Serializer):
    reason = TextField(multiline=True, allow_blank=True, default="", max_length=2000)


class PromiseOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code")
    invoices = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)

    class Meta:
        model = Promise
        fields = [
            "id",
            "customer",
            "customer_code",
            "invoices",
            "amount",
            "currency",
            "made_on",
            "promised_on",
            "note",
            "status",
            "settled_on",
            "paid",
            "created_by",
        ]

    def get_invoices(self, promise: Promise) -> list[int]:
        return [item.invoice_id for item in promise.promised_invoices.all()]


class ActivityIn(serializers.Serializer):
    customer = IdField()
    kind = serializers.ChoiceField(choices=Activity.Kind.choices)
    note = TextField(multiline=True, max_length=4000)
    follow_up_on = DateField(required=False, allow_null=True, default=None)


class ActivityOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code")
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "customer",
            "customer_code",
            "kind",
            "note",
            "follow_up_on",
            "created_by",
            "created_at",
        ]


class WorklistRowOut(serializers.Serializer):
    customer = serializers.IntegerField(source="customer_id")
    customer_code = serializers.CharField()
    customer_name = serializers.CharField()
    currency = serializers.CharField()
    collector = serializers.CharField(allow_null=True)
    tier = serializers.IntegerField(help_text="1 follow-up due, 2 broken promise, 3 overdue")
    overdue = serializers.DecimalField(
        max_digits=18, decimal_places=2, help_text="past due, undisputed, unpromised"
    )
    oldest_days_overdue = serializers.IntegerField()
    weight = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        help_text="overdue × (1 + days / 30) × (1 + risk / 100) × 1.2 if a reminder is due tomorrow",
    )
    reasons = serializers.ListField(child=serializers.CharField())
    risk_score = serializers.IntegerField(
        allow_null=True,
        help_text="the customer's stored risk score, 0 safe … 100 risky; null: not scored yet",
    )
    risk_summary = serializers.CharField(help_text="the factors that weigh most")


class WorklistOut(serializers.Serializer):
    as_of = serializers.DateField()
    method = serializers.CharField()
    results = WorklistRowOut(many=True)


class AssignmentIn(serializers.Serializer):
    customer = IdField()
    collector = IdField(allow_null=True, help_text="a finance user's id; null: nobody")


class RiskFactorOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()
    points = serializers.DecimalField(max_digits=5, decimal_places=1)
    max_points = serializers.IntegerField()
    rule = serializers.CharField()


class CustomerRiskOut(serializers.Serializer):
    customer = serializers.IntegerField(source="customer_id")
    as_of = serializers.DateField()
    score = serializers.IntegerField(min_value=0, max_value=100, help_text="0 safe … 100 risky")
    factors = RiskFactorOut(many=True)
    method = serializers.CharField()


class WorklistQuery(serializers.Serializer):
    owner = IdField(required=False, help_text="a collector's user id: that collector's customers only")
