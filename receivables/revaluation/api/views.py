"""POST /revaluations/ (decision 0062): the month-end revaluation of open foreign invoices."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from o2c.api import APIView, role_permission
from o2c.api_fields import DateField
from o2c.roles import FINANCE
from receivables.revaluation.services import Revaluation, revaluation_run


class RevaluationIn(serializers.Serializer):
    date = DateField()


class CurrencyOut(serializers.Serializer):
    currency = serializers.CharField()
    balance = serializers.DecimalField(max_digits=18, decimal_places=2)
    kept_base = serializers.DecimalField(max_digits=18, decimal_places=2)
    rate = serializers.DecimalField(max_digits=18, decimal_places=8)
    revalued_base = serializers.DecimalField(max_digits=18, decimal_places=2)
    difference = serializers.DecimalField(max_digits=18, decimal_places=2)


class RevaluationOut(serializers.Serializer):
    date = serializers.DateField(source="on")
    currencies = CurrencyOut(many=True)
    difference = serializers.DecimalField(max_digits=18, decimal_places=2)
    entry = serializers.CharField(source="entry_number", allow_null=True)
    reversal = serializers.CharField(source="reversal_number", allow_null=True)
    created = serializers.BooleanField()


class RevaluationView(APIView):
    permission_classes = [role_permission(FINANCE)]

    @extend_schema(request=RevaluationIn, responses={200: RevaluationOut, 201: RevaluationOut})
    def post(self, request):
        body = RevaluationIn(data=request.data)
        body.is_valid(raise_exception=True)
        result: Revaluation = revaluation_run(on=body.validated_data["date"], by=request.user)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(RevaluationOut(result).data, status=code)
