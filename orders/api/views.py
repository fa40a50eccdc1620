"""The order API of API.md: thin views over o2c/pipeline/ and orders/services/."""

from collections.abc import Callable

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from credit.selectors import decision_attach, with_latest_decision
from o2c import pipeline
from o2c.api import GenericAPIView, ListAPIView, role_permission
from o2c.api_bulk import BulkIn, bulk_create, bulk_schema
from o2c.api_fields import FilterSet
from o2c.roles import FINANCE, SALES, WAREHOUSE
from o2c.transactions import whole
from orders import selectors, services
from orders.api import serializers as s
from orders.models import SalesOrder

CanRead = role_permission(SALES, WAREHOUSE, FINANCE)
CanEdit = role_permission(SALES)
CanDecideCredit = role_permission(FINANCE)


class OrderFilter(FilterSet):
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = SalesOrder
        fields = [
            "customer",
            "status",
            "fulfillment_status",
            "billing_status",
            "payment_status",
            "number",
            "warehouse",
        ]


def _line_inputs(lines):
    return [
        services.LineInput(
            product_id=line["product"],
            quantity=line["quantity"],
            unit_price=line.get("unit_price"),
            discount_percent=line.get("discount_percent") or 0,
        )
        for line in lines
    ]


def _order_response(
    step: Callable[[], SalesOrder], status_code=status.HTTP_200_OK, *, placed: bool = False
) -> Response:
    """Run `step` (a pipeline step or service returning the order) and answer the order as it was
    written: read and serialised inside the step's transaction, so that nothing touches the
    database after the commit (a database that drops then cannot turn a committed order into a
    500; decision 0030). Any error rolls the whole step back (`whole`: no savepoint per step).

    An order just `placed` is answered from the object in hand with its lines and decision
    (decision 0050), unless it was invoiced on approval (services only): settling that invoice
    moved another copy of the order's row, so it is read again like any other."""
    with whole():
        order = step()
        if placed and order.billing_status == SalesOrder.Billing.NOT_INVOICED:
            detail = selectors.order_placed_detail(order=order)
            if not hasattr(detail, "credit_outcome"):  # submitted: the step attached its decision
                decision_attach(detail)
        else:
            detail = with_latest_decision(selectors.order_detail_list()).get(pk=order.pk)
        data = s.OrderOut(detail).data
    return Response(data, status=status_code)


class OrderListView(ListAPIView):
    serializer_class = s.OrderOut
    filterset_class = OrderFilter
    ordering_fields = ["id", "number", "order_date", "total", "status", "submitted_at"]
    ordering = ["-id"]

    def get_permissions(self):
        return [CanEdit()] if self.request.method == "POST" else [CanRead()]

    def get_queryset(self):
        return with_latest_decision(selectors.order_detail_list())

    @extend_schema(request=s.OrderIn, responses={201: s.OrderOut})
    def post(self, request):
        return _order_create(request.data, by=request.user)


def _order_create(payload, *, by) -> Response:
    """`POST /orders/` for one body: the single endpoint and each item of the bulk one."""
    body = s.OrderIn(data=payload)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    return _order_response(
        lambda: pipeline.order_place(
            by=by,
            submit=data["submit"],
            customer_id=data["customer"],
            lines=_line_inputs(data["lines"]),
            requested_delivery_date=data.get("requested_delivery_date"),
            customer_reference=data["customer_reference"],
            ship_to=data["ship_to"],
            warehouse_id=data["warehouse"],
            currency=data["currency"] or None,
        ),
        status.HTTP_201_CREATED,
        placed=True,
    )


class OrderBulkView(GenericAPIView):
    """`POST /orders/bulk/`: up to 500 order bodies, each placed as `POST /orders/` would (decision 0047)."""

    permission_classes = [CanEdit]
    serializer_class = BulkIn

    @bulk_schema(single=s.OrderIn, out=s.OrderOut)
    def post(self, request):
        return bulk_create(
            view=self, request=request, create_one=lambda item: _order_create(item, by=request.user)
        )


class OrderDetailView(GenericAPIView):
    serializer_class = s.OrderOut

    def get_permissions(self):
        return [CanEdit()] if self.request.method == "PATCH" else [CanRead()]

    def get_queryset(self):
        return with_latest_decision(selectors.order_detail_list())

    def get(self, request, pk: int):
        return Response(s.OrderOut(self.get_object()).data)

    @extend_schema(request=s.OrderPatchIn, responses=s.OrderOut)
    def patch(self, request, pk: int):
        order = self.get_object()
        body = s.OrderPatchIn(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        changes = {}
        if "lines" in data:
            changes["lines"] = _line_inputs(data["lines"])
        if "requested_delivery_date" in data:
            changes["requested_delivery_date"] = data["requested_delivery_date"]
        for field in ("customer_reference", "ship_to"):
            if field in data:
                changes[field] = data[field]
        if "warehouse" in data:
            changes["warehouse_id"] = data["warehouse"]
        return _order_response(lambda: services.order_update(order_id=order.pk, by=request.user, **changes))


class _OrderAction(GenericAPIView):
    """POST /orders/{id}/<action>/: validate the body, run one pipeline step, return the order."""

    serializer_class = s.OrderOut
    body_class = None

    def get_queryset(self):
        return selectors.order_list()

    def run(self, *, order_id: int, data: dict, by) -> SalesOrder:
        raise NotImplementedError

    def post(self, request, pk: int):
        order = self.get_object()
        data = {}
        if self.body_class is not None:
            body = self.body_class(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        return _order_response(lambda: self.run(order_id=order.pk, data=data, by=request.user))


@extend_schema_view(post=extend_schema(request=None, responses=s.OrderOut))
class OrderSubmitView(_OrderAction):
    permission_classes = [CanEdit]

    def run(self, *, order_id, data, by):
        return pipeline.order_submit(order_id=order_id, by=by)


@extend_schema_view(post=extend_schema(request=s.NoteIn, responses=s.OrderOut))
class OrderReleaseHoldView(_OrderAction):
    permission_classes = [CanDecideCredit]
    body_class = s.NoteIn

    def run(self, *, order_id, data, by):
        return pipeline.hold_release(order_id=order_id, note=data["note"], by=by)


@extend_schema_view(post=extend_schema(request=s.NoteIn, responses=s.OrderOut))
class OrderRejectHoldView(_OrderAction):
    permission_classes = [CanDecideCredit]
    body_class = s.NoteIn

    def run(self, *, order_id, data, by):
        return pipeline.hold_reject(order_id=order_id, note=data["note"], by=by)


@extend_schema_view(post=extend_schema(request=s.ReasonIn, responses=s.OrderOut))
class OrderCancelView(_OrderAction):
    permission_classes = [CanEdit]
    body_class = s.ReasonIn

    def run(self, *, order_id, data, by):
        return pipeline.order_cancel(order_id=order_id, reason=data["reason"], by=by)


class OrderEventsView(ListAPIView):
    permission_classes = [CanRead]
    serializer_class = s.OrderEventOut
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.order_events(order_id=0)
        return selectors.order_events(order_id=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        get_object_or_404(selectors.order_list(), pk=self.kwargs["pk"])
        return super().list(request, *args, **kwargs)
