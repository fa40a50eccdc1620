"""Exchange rates (API.md, "Commercial documents"): list, enter, and upload the ECB's CSV file."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import parsers, status
from rest_framework.response import Response

from ledger.rates import selectors, services
from ledger.rates.api import serializers as s
from o2c.api import APIView, ListAPIView, role_permission
from o2c.roles import FINANCE

CanRate = role_permission(FINANCE)


class ExchangeRateListView(ListAPIView):
    permission_classes = [CanRate]
    serializer_class = s.ExchangeRateOut
    filterset_fields = ["currency", "valid_on", "source"]
    ordering_fields = ["id", "currency", "valid_on"]
    ordering = ["currency", "-valid_on"]

    def get_queryset(self):
        return selectors.exchange_rate_list()

    @extend_schema(request=s.ExchangeRateIn, responses={201: s.ExchangeRateOut})
    def post(self, request):
        body = s.ExchangeRateIn(data=request.data)
        body.is_valid(raise_exception=True)
        rate = services.exchange_rate_set(by=request.user, **body.validated_data)
        return Response(s.ExchangeRateOut(rate).data, status=status.HTTP_201_CREATED)


class EcbUploadView(APIView):
    permission_classes = [CanRate]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(request={"multipart/form-data": s.EcbUploadIn}, responses={201: s.EcbUploadOut})
    def post(self, request):
        body = s.EcbUploadIn(data=request.data)
        body.is_valid(raise_exception=True)
        written = services.exchange_rates_import_ecb(
            content=body.validated_data["file"].read(), by=request.user
        )
        return Response({"written": written}, status=status.HTTP_201_CREATED)
