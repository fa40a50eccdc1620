"""Dunning API (API.md): `POST /dunning/runs/` runs dunning for `as_of` (today when omitted) and
answers with the run and the notices it sent; `GET /dunning/runs/{id}/` reads a run again;
`GET /dunning/notices/` lists notices (filter `customer`, `level`, `as_of`). Finance and managers."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from o2c.api import APIView, ListAPIView, RetrieveAPIView, role_permission
from o2c.api_fields import DateField, FilterSet, IdFilter
from o2c.roles import FINANCE
from receivables import dunning
from receivables.models import DunningNotice, DunningNoticeLine, DunningRun

CanDun = role_permission(FINANCE)  # finance; manager and admin are always included


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
        notices = dunning.dunning_notice_list(filters={"run": run.pk}).order_by("customer__name", "pk")
        return NoticeOut(notices, many=True).data


class RunIn(serializers.Serializer):
    as_of = DateField(required=False, allow_null=True, help_text="defaults to today")


class DunningRunCreateView(APIView):
    permission_classes = [CanDun]

    @extend_schema(request=RunIn, responses={201: RunOut})
    def post(self, request):
        body = RunIn(data=request.data)
        body.is_valid(raise_exception=True)
        run = dunning.dunning_run(as_of=body.validated_data.get("as_of"), by=request.user)
        return Response(RunOut(run).data, status=status.HTTP_201_CREATED)


class DunningRunDetailView(RetrieveAPIView):
    permission_classes = [CanDun]
    serializer_class = RunOut

    def get_queryset(self):
        return dunning.dunning_run_list()


class NoticeFilter(FilterSet):
    level = IdFilter(field_name="level__level", help_text="the level number (1, 2, …)")

    class Meta:
        model = DunningNotice
        fields = ["customer", "level", "as_of", "run"]


class DunningNoticeListView(ListAPIView):
    permission_classes = [CanDun]
    serializer_class = NoticeOut
    filterset_class = NoticeFilter
    ordering_fields = ["id", "as_of", "total", "created_at"]
    ordering = ["-as_of", "-id"]

    def get_queryset(self):
        return dunning.dunning_notice_list()


class DunningNoticeDetailView(RetrieveAPIView):
    permission_classes = [CanDun]
    serializer_class = NoticeOut

    def get_queryset(self):
        return dunning.dunning_notice_list()


urlpatterns = [
    path("dunning/runs/", DunningRunCreateView.as_view(), name="api-dunning-runs"),
    path("dunning/runs/<int:pk>/", DunningRunDetailView.as_view(), name="api-dunning-run"),
    path("dunning/notices/", DunningNoticeListView.as_view(), name="api-dunning-notices"),
    path("dunning/notices/<int:pk>/", DunningNoticeDetailView.as_view(), name="api-dunning-notice"),
]
