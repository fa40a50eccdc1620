"""Disputes: open (by line or as an amount), list, read and resolve; the API of API.md."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from o2c import pipeline
from o2c.api import GenericAPIView, ListAPIView, RetrieveAPIView, role_permission
from o2c.errors import DomainError, KernelErrorCode
from o2c.roles import FINANCE
from receivables.cash.api.views import invoice_id_known
from receivables.disputes import selectors
from receivables.disputes.api import serializers as s
from receivables.disputes.services import DisputeLineInput

CanCash = role_permission(FINANCE)


class DisputeListView(ListAPIView):
    permission_classes = [CanCash]
    serializer_class = s.DisputeOut
    filterset_fields = ["customer", "invoice", "status", "reason", "owner"]
    ordering_fields = ["id", "opened_on", "amount"]
    ordering = ["opened_on", "id"]

    def get_queryset(self):
        return selectors.dispute_list()

    @extend_schema(request=s.DisputeIn, responses={201: s.DisputeOut})
    def post(self, request):
        body = s.DisputeIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        owner = None
        if "owner" in data:
            owner = get_user_model().objects.filter(pk=data["owner"], is_active=True).first()
            if owner is None:
                raise DomainError(
                    f"user {data['owner']} does not exist", field="owner", code=KernelErrorCode.DOES_NOT_EXIST
                )
        dispute = pipeline.dispute_open(
            invoice_id=invoice_id_known(data["invoice"]),
            amount=data.get("amount"),
            lines=[
                DisputeLineInput(
                    line["invoice_line"], quantity=line.get("quantity"), amount=line.get("amount")
                )
                for line in data.get("lines", [])
            ],
            reason=data["reason"],
            note=data["note"],
            customer_message=data["customer_message"],
            owner=owner,
            by=request.user,
        )
        return Response(
            s.DisputeOut(selectors.dispute_list().get(pk=dispute.pk)).data, status=status.HTTP_201_CREATED
        )


class DisputeDetailView(RetrieveAPIView):
    permission_classes = [CanCash]
    serializer_class = s.DisputeOut

    def get_queryset(self):
        return selectors.dispute_list()


@extend_schema(request=s.DisputeResolveIn, responses=s.DisputeOut)
class DisputeResolveView(GenericAPIView):
    permission_classes = [CanCash]
    serializer_class = s.DisputeOut

    def get_queryset(self):
        return selectors.dispute_list()

    def post(self, request, pk: int):
        dispute = self.get_object()
        body = s.DisputeResolveIn(data=request.data)
        body.is_valid(raise_exception=True)
        pipeline.dispute_resolve(
            dispute_id=dispute.pk,
            outcome=body.validated_data["outcome"],
            note=body.validated_data["note"],
            customer_message=body.validated_data["customer_message"],
            by=request.user,
        )
        return Response(s.DisputeOut(selectors.dispute_list().get(pk=dispute.pk)).data)
