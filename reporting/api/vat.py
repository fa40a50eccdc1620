"""`GET /api/v1/reports/vat/?from=&to=` (API.md, "Commercial documents"), finance and managers:
output tax by rate, invoices, credit notes and cash discounts apart, with the reconciliation to
the VAT payable account (decision 0057). `?format=csv` gives the report's table."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from o2c.api import wants_csv
from o2c.api_fields import DateField
from o2c.csv import csv_response
from reporting.api.views import _FORMAT, ReportView
from reporting.forms import date_validators
from reporting.vat import vat_period_clean, vat_report

_MONEY = {"max_digits": 18, "decimal_places": 2, "read_only": True}


class VatQuery(serializers.Serializer):
    to = DateField(required=False, validators=date_validators(), help_text="last day (default: today)")

    def validate(self, attrs):
        start, end = vat_period_clean(date_from=attrs.get("from"), date_to=attrs.get("to"))
        return {"from": start, "to": end}


# `from` is a Python keyword: declared after the class, as the contract names it.
VatQuery._declared_fields["from"] = DateField(
    required=False, validators=date_validators(), help_text="first day (default: the first of `to`'s month)"
)


class VatFiguresOut(serializers.Serializer):
    net = serializers.DecimalField(**_MONEY)
    tax = serializers.DecimalField(**_MONEY)
    documents = serializers.IntegerField(
        read_only=True, help_text="invoices, credit notes or invoices discounted"
    )


class VatRowOut(serializers.Serializer):
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="percent; null on the total",
    )
    invoices = VatFiguresOut(read_only=True, help_text="invoice lines by the invoice date")
    credit_notes = VatFiguresOut(read_only=True, help_text="credit note lines by the credit note date")
    discounts = VatFiguresOut(
        read_only=True, help_text="cash discounts taken (less those reversed) by their date"
    )
    net = serializers.DecimalField(**_MONEY, help_text="invoices − credit notes − discounts")
    tax = serializers.DecimalField(**_MONEY, help_text="the output tax: invoices − credit notes − discounts")


class VatOut(serializers.Serializer):
    rates = VatRowOut(many=True, read_only=True)
    total = VatRowOut(read_only=True)
    ledger_output_tax = serializers.DecimalField(
        **_MONEY, help_text="the VAT payable account's credits less debits dated in the period"
    )
    difference = serializers.DecimalField(
        **_MONEY, help_text="ledger_output_tax − total.tax; 0.00 when reconciled"
    )


# The period as the query named it (`from` is a keyword), first in the answer.
VatOut._declared_fields = {
    "from": serializers.DateField(source="date_from", read_only=True),
    "to": serializers.DateField(source="date_to", read_only=True),
    **VatOut._declared_fields,
}


class VatView(ReportView):
    @extend_schema(
        summary="VAT report: output tax by rate, reconciled with the ledger",
        parameters=[VatQuery, _FORMAT],
        responses={200: VatOut, 400: OpenApiResponse(description='a bad parameter, named: `{"from": […]}`')},
    )
    def get(self, request):
        query = VatQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = vat_report(date_from=query.validated_data["from"], date_to=query.validated_data["to"])
        if wants_csv(request):
            header, rows = report.table()
            return csv_response(f"vat-{report.date_from}_{report.date_to}.csv", header, rows)
        return Response(VatOut(report).data)
