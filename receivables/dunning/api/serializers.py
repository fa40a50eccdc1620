from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from o2c.api_fields import DateField
from receivables.dunning import selectors
from receivables.dunning.models import DunningNotice, DunningNoticeLine, DunningRun


class NoticeInvoiceOut(serializers.ModelSerializer):
    number = serializers.CharField(source="invoice.number")
    due_date = serializers.DateField(source="invoice.due_date")
    level = serializers.IntegerField(source="level.level")
    amount_due = serializers.SerializerMethodField()

    class Meta:
        model = DunningNoticeLine
        fields = [
            "invoice",
            "number",
            "due_date",
            "days_overdue",
            "balance",
            "disputed",
            "amount_due",
            "level",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=2))
    def get_amount_due(self, line) -> str:
        return f"{line.balance - line.disputed:.2f}"


class NoticeOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code")
    level = serializers.IntegerField(source="level.level")
    level_name = serializers.CharField(source="level.name")
    invoices = NoticeInvoiceOut(source="lines", many=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = DunningNotice
        fields = [
            "id",
            "customer",
            "customer_code",
            "level",
            "level_name",
            "as_of",
            "run",
            "currency",
            "total",
            "invoices",
            "emailed_at",
            "pdf_url",
            "created_at",
        ]

    def get_pdf_url(self, notice) -> str:
        return reverse("receivables:dunning-notice-pdf", args=[notice.pk])


class RunOut(serializers.ModelSerializer):
    notices = serializers.SerializerMethodField()

    class Meta:
        model = DunningRun
        fields = [
            "id",
            "as_of",
            "status",
            "customers_total",
            "customers_done",
            "notices_sent",
            "started_by",
            "started_at",
            "finished_at",
            "error",
            "notices",
        ]

    @extend_schema_field(NoticeOut(many=True))
    def get_notices(self, run) -> list:
        notices = selectors.dunning_notice_list(filters={"run": run.pk}).order_by("customer__name", "pk")
        return NoticeOut(notices, many=True).data


class RunIn(serializers.Serializer):
    as_of = DateField(required=False, allow_null=True, help_text="defaults to today")
