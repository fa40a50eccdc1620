"""The shipment API of API.md: thin views over o2c/pipeline/."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from fulfillment import selectors
from fulfillment.api import serializers as s
from fulfillment.models import Shipment
from o2c import pipeline
from o2c.api import GenericAPIView, ListAPIView, RetrieveAPIView, role_permission
from o2c.api_fields import FilterSet
from o2c.errors import DomainError, KernelErrorCode
from o2c.roles import FINANCE, SALES, WAREHOUSE
from orders.selectors import order_list

CanRead = role_permission(SALES, WAREHOUSE, FINANCE)
CanShip = role_permission(WAREHOUSE)


class ShipmentFilter(FilterSet):
    class Meta:
        model = Shipment
        fields = ["order", "status", "late"]


def _shipment_response(shipment_id: int, status_code=status.HTTP_200_OK) -> Response:
    return Response(s.ShipmentOut(selectors.shipment_get(shipment_id=shipment_id)).data, status=status_code)


class ShipmentListView(ListAPIView):
    serializer_class = s.ShipmentOut
    filterset_class = ShipmentFilter
    ordering_fields = ["id", "number", "shipped_at", "estimated_delivery"]
    ordering = ["-id"]

    def get_permissions(self):
        return [CanShip()] if self.request.method == "POST" else [CanRead()]

    def get_queryset(self):
        return selectors.shipment_list()

    @extend_schema(request=s.ShipmentIn, responses={201: s.ShipmentOut})
    def post(self, request):
        body = s.ShipmentIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        lines = None
        if "lines" in data:
            lines = {}
            for line in data["lines"]:
                lines[line["order_line"]] = lines.get(line["order_line"], 0) + line["quantity"]
        if not order_list().filter(pk=data["order"]).exists():
            raise DomainError(
                f"order {data['order']} does not exist", field="order", code=KernelErrorCode.DOES_NOT_EXIST
            )
        shipment = pipeline.shipment_create(order_id=data["order"], lines=lines, by=request.user)
        return _shipment_response(shipment.pk, status.HTTP_201_CREATED)


class ShipmentDetailView(RetrieveAPIView):
    permission_classes = [CanRead]
    serializer_class = s.ShipmentOut

    def get_queryset(self):
        return selectors.shipment_list()


class _ShipmentAction(GenericAPIView):
    permission_classes = [CanShip]
    serializer_class = s.ShipmentOut
    body_class = None

    def get_queryset(self):
        return selectors.shipment_list()

    def run(self, *, shipment_id: int, data: dict, by) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        if not self.get_queryset().filter(pk=pk).exists():  # 404 without reading it whole: answered below
            raise Http404
        data = {}
        if self.body_class is not None:
            body = self.body_class(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        self.run(shipment_id=pk, data=data, by=request.user)
        return _shipment_response(pk)


@extend_schema_view(post=extend_schema(request=None, responses=s.ShipmentOut))
class ShipmentPackView(_ShipmentAction):
    def run(self, *, shipment_id, data, by):
        pipeline.shipment_pack(shipment_id=shipment_id, by=by)


@extend_schema_view(post=extend_schema(request=s.ShipIn, responses=s.ShipmentOut))
class ShipmentShipView(_ShipmentAction):
    body_class = s.ShipIn

    def run(self, *, shipment_id, data, by):
        pipeline.shipment_ship(shipment_id=shipment_id, by=by, **data)


@extend_schema_view(post=extend_schema(request=s.DeliverIn, responses=s.ShipmentOut))
class ShipmentDeliverView(_ShipmentAction):
    body_class = s.DeliverIn

    def run(self, *, shipment_id, data, by):
        pipeline.shipment_deliver(shipment_id=shipment_id, delivered_at=data["delivered_at"], by=by)
