"""The returns API of API.md: thin views over o2c/pipeline/returns.py."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from o2c import pipeline
from o2c.api import GenericAPIView, ListAPIView, RetrieveAPIView, role_permission
from o2c.api_fields import FilterSet
from o2c.errors import DomainError, KernelErrorCode
from o2c.roles import FINANCE, SALES, WAREHOUSE
from orders.selectors import order_list
from returns import selectors
from returns.api import serializers as s
from returns.models import Return
from returns.services import ReturnLineInput

CanRead = role_permission(SALES, WAREHOUSE, FINANCE)
CanRequest = role_permission(SALES)
CanReceive = role_permission(WAREHOUSE)
CanCancel = role_permission(SALES, WAREHOUSE)


class ReturnFilter(FilterSet):
    class Meta:
        model = Return
        fields = ["order", "customer", "status", "number"]


def _response(return_id: int, status_code=status.HTTP_200_OK) -> Response:
    return Response(s.ReturnOut(selectors.return_get(return_id=return_id)).data, status=status_code)


def _lines(items) -> list[ReturnLineInput]:
    return [ReturnLineInput(item["order_line"], item["quantity"], item["restock"]) for item in items]


class ReturnListView(ListAPIView):
    serializer_class = s.ReturnOut
    filterset_class = ReturnFilter
    ordering_fields = ["id", "number", "created_at", "received_at"]
    ordering = ["-id"]

    def get_permissions(self):
        return [CanRequest()] if self.request.method == "POST" else [CanRead()]

    def get_queryset(self):
        return selectors.return_list()

    @extend_schema(request=s.ReturnIn, responses={201: s.ReturnOut})
    def post(self, request):
        body = s.ReturnIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not order_list().filter(pk=data["order"]).exists():
            raise DomainError(
                f"order {data['order']} does not exist", field="order", code=KernelErrorCode.DOES_NOT_EXIST
            )
        rma = pipeline.return_request(
            order_id=data["order"], lines=_lines(data["lines"]), reason=data["reason"], by=request.user
        )
        return _response(rma.pk, status.HTTP_201_CREATED)


class ReturnDetailView(RetrieveAPIView):
    permission_classes = [CanRead]
    serializer_class = s.ReturnOut

    def get_queryset(self):
        return selectors.return_list()


class ReturnReceiveView(GenericAPIView):
    permission_classes = [CanReceive]
    serializer_class = s.ReturnOut

    def get_queryset(self):
        return selectors.return_list()

    @extend_schema(request=s.ReceiveIn, responses=s.ReturnOut)
    def post(self, request, pk: int):
        rma = self.get_object()
        body = s.ReceiveIn(data=request.data)
        body.is_valid(raise_exception=True)
        lines = body.validated_data.get("lines")
        pipeline.return_receive(
            return_id=rma.pk, lines=None if lines is None else _lines(lines), by=request.user
        )
        return _response(rma.pk)


class ReturnCancelView(GenericAPIView):
    permission_classes = [CanCancel]
    serializer_class = s.ReturnOut

    def get_queryset(self):
        return selectors.return_list()

    @extend_schema(request=s.CancelIn, responses=s.ReturnOut)
    def post(self, request, pk: int):
        rma = self.get_object()
        body = s.CancelIn(data=request.data)
        body.is_valid(raise_exception=True)
        pipeline.return_cancel(return_id=rma.pk, reason=body.validated_data["reason"], by=request.user)
        return _response(rma.pk)
