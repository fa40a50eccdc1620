"""Direct debits: mandates and collection runs, the API of API.md ("Collections", decision 0065)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from o2c.api import GenericAPIView, ListAPIView, RetrieveAPIView, role_permission
from o2c.parsing import content_disposition
from o2c.roles import FINANCE
from receivables.directdebit import runs, selectors, services
from receivables.directdebit.api import serializers as s

CanCollect = role_permission(FINANCE)


class MandateListView(ListAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.MandateOut
    filterset_fields = ["customer", "status", "scheme", "reference"]
    ordering_fields = ["id", "signed_on", "reference"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.mandate_list()

    @extend_schema(request=s.MandateIn, responses={201: s.MandateOut})
    def post(self, request):
        body = s.MandateIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        mandate = services.mandate_create(customer_id=data.pop("customer"), **data, by=request.user)
        return Response(
            s.MandateOut(selectors.mandate_list().get(pk=mandate.pk)).data, status=status.HTTP_201_CREATED
        )


class MandateDetailView(RetrieveAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.MandateOut

    def get_queryset(self):
        return selectors.mandate_list()


@extend_schema(request=s.MandateRevokeIn, responses=s.MandateOut)
class MandateRevokeView(GenericAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.MandateOut

    def get_queryset(self):
        return selectors.mandate_list()

    def post(self, request, pk: int):
        mandate = self.get_object()
        body = s.MandateRevokeIn(data=request.data)
        body.is_valid(raise_exception=True)
        services.mandate_revoke(mandate_id=mandate.pk, reason=body.validated_data["reason"], by=request.user)
        return Response(s.MandateOut(selectors.mandate_list().get(pk=mandate.pk)).data)


class RunListView(ListAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.DirectDebitRunOut
    filterset_fields = ["due_by", "collection_date"]
    ordering_fields = ["id", "collection_date"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.run_list().prefetch_related("items__invoice", "items__customer", "items__mandate")

    @extend_schema(request=s.DirectDebitRunIn, responses={201: s.DirectDebitRunOut})
    def post(self, request):
        body = s.DirectDebitRunIn(data=request.data)
        body.is_valid(raise_exception=True)
        run = runs.direct_debit_run_create(**body.validated_data, by=request.user)
        return Response(
            s.DirectDebitRunOut(self.get_queryset().get(pk=run.pk)).data, status=status.HTTP_201_CREATED
        )


class RunDetailView(RetrieveAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.DirectDebitRunOut

    def get_queryset(self):
        return selectors.run_list().prefetch_related("items__invoice", "items__customer", "items__mandate")


class RunFileView(RetrieveAPIView):
    """The pain.008 file of the run, as stored (validated against its XSD when the run was made)."""

    permission_classes = [CanCollect]
    serializer_class = s.DirectDebitRunOut

    def get_queryset(self):
        return selectors.run_list()

    def perform_content_negotiation(self, request, force=False):
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    def get(self, request, *args, **kwargs):
        run = selectors.run_get(run_id=self.get_object().pk)
        response = HttpResponse(run.xml.encode(), content_type="application/xml")
        response["Content-Disposition"] = content_disposition(run.file_name)
        return response
