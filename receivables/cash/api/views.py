"""Payments, write-offs and inbound payment notifications: the API of API.md."""

from __future__ import annotations

import django_filters
from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response

from customers.selectors import customer_list
from invoicing.selectors import invoice_rows
from o2c import pipeline
from o2c.api import APIView, GenericAPIView, ListAPIView, RetrieveAPIView, role_permission
from o2c.api_bulk import BulkIn, bulk_create, bulk_schema
from o2c.api_fields import DateFilter, FilterSet
from o2c.errors import DomainError, KernelErrorCode
from o2c.parsing import parse_id_or_code
from o2c.roles import FINANCE, MANAGER
from o2c.signing import HEADER, SignatureError, signature_verify
from receivables.cash import selectors
from receivables.cash.api import serializers as s
from receivables.cash.models import Payment
from receivables.cash.services import AllocationInput

CanCash = role_permission(FINANCE)
CanWriteOff = role_permission(MANAGER)


def _allocations(items) -> list[AllocationInput]:
    return [AllocationInput(invoice_id=item["invoice"], amount=item["amount"]) for item in items]


class PaymentFilter(FilterSet):
    unapplied = django_filters.BooleanFilter(method="filter_unapplied")
    received_from = DateFilter(field_name="received_on", lookup_expr="gte")
    received_to = DateFilter(field_name="received_on", lookup_expr="lte")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Payment
        fields = ["customer", "status", "method", "source", "number"]

    def filter_unapplied(self, queryset, name, value):
        return queryset.filter(unapplied_amount__gt=0) if value else queryset.filter(unapplied_amount=0)


def _payment_response(payment_id: int, code=status.HTTP_200_OK) -> Response:
    return Response(s.PaymentOut(selectors.payment_get(payment_id=payment_id)).data, status=code)


class PaymentListView(ListAPIView):
    permission_classes = [CanCash]
    serializer_class = s.PaymentOut
    filterset_class = PaymentFilter
    ordering_fields = ["id", "number", "received_on", "amount", "unapplied_amount"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.payment_list()

    @extend_schema(request=s.PaymentIn, responses={201: s.PaymentOut})
    def post(self, request):
        return _payment_create(request.data, by=request.user)


def _payment_create(payload, *, by) -> Response:
    """`POST /payments/` for one body: the single endpoint and each item of the bulk one."""
    body = s.PaymentIn(data=payload)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    payment = pipeline.payment_record(
        customer_id=data["customer"],
        amount=data["amount"],
        method=data["method"],
        reference=data["reference"],
        received_on=data["received_on"],
        allocations=_allocations(data["allocations"]) if "allocations" in data else None,
        confirm_duplicate=data["confirm_duplicate"],
        source=Payment.Source.API,
        note=data["note"],
        by=by,
    )
    return _payment_response(payment.pk, status.HTTP_201_CREATED)


class PaymentBulkView(GenericAPIView):
    """`POST /payments/bulk/`: up to 500 payment bodies, each recorded as `POST /payments/` would
    (decision 0047): a bank feed's batch."""

    permission_classes = [CanCash]
    serializer_class = BulkIn

    @bulk_schema(single=s.PaymentIn, out=s.PaymentOut)
    def post(self, request):
        return bulk_create(
            view=self, request=request, create_one=lambda item: _payment_create(item, by=request.user)
        )


class PaymentDetailView(RetrieveAPIView):
    permission_classes = [CanCash]
    serializer_class = s.PaymentOut

    def get_queryset(self):
        return selectors.payment_list()


class _PaymentAction(GenericAPIView):
    permission_classes = [CanCash]
    serializer_class = s.PaymentOut
    body_class = None

    def get_queryset(self):
        return selectors.payment_list()

    def post(self, request, pk: int):
        payment = self.get_object()
        body = self.body_class(data=request.data)
        body.is_valid(raise_exception=True)
        self.run(payment_id=payment.pk, data=body.validated_data, by=request.user)
        return _payment_response(payment.pk)


@extend_schema(request=s.ApplyIn, responses=s.PaymentOut)
class PaymentApplyView(_PaymentAction):
    body_class = s.ApplyIn

    def run(self, *, payment_id, data, by):
        pipeline.payment_apply(payment_id=payment_id, allocations=_allocations(data["allocations"]), by=by)


@extend_schema(request=s.ReversalIn, responses=s.PaymentOut)
class PaymentReverseView(_PaymentAction):
    body_class = s.ReversalIn

    def run(self, *, payment_id, data, by):
        pipeline.payment_reverse(payment_id=payment_id, reason=data["reason"], by=by)


@extend_schema(request=s.RefundIn, responses=s.PaymentOut)
class PaymentRefundView(_PaymentAction):
    body_class = s.RefundIn

    def run(self, *, payment_id, data, by):
        pipeline.payment_refund(payment_id=payment_id, amount=data["amount"], reason=data["reason"], by=by)


def invoice_id_known(invoice_id: int) -> int:
    """The id of an invoice that exists, else a DomainError naming `invoice`."""
    if not invoice_rows().filter(pk=invoice_id).exists():
        raise DomainError(
            f"invoice {invoice_id} does not exist", field="invoice", code=KernelErrorCode.DOES_NOT_EXIST
        )
    return invoice_id


class WriteOffListView(ListAPIView):
    serializer_class = s.WriteOffOut
    filterset_fields = ["customer", "invoice"]
    ordering = ["-id"]

    def get_permissions(self):
        return [CanWriteOff()] if self.request.method == "POST" else [CanCash()]

    def get_queryset(self):
        return selectors.write_off_list()

    @extend_schema(request=s.WriteOffIn, responses={201: s.WriteOffOut})
    def post(self, request):
        body = s.WriteOffIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        written = pipeline.write_off(
            invoice_id=invoice_id_known(data["invoice"]),
            amount=data["amount"],
            reason=data["reason"],
            by=request.user,
        )
        return Response(s.WriteOffOut(selectors.write_off_list().get(pk=written.pk)).data, status=201)


class PaymentNotificationView(APIView):
    """A payment provider's event. No token: the `X-O2C-Signature` header is its authentication
    (HMAC-SHA256 of "<t>.<raw body>" with O2C_PAYMENT_NOTIFICATION_SECRET, at most 5 minutes old).
    The same event id is recorded once: a repeat answers 200 with the first payment."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=s.PaymentNotificationIn,
        responses={
            201: s.PaymentNotificationOut,
            200: s.PaymentNotificationOut,
            409: OpenApiResponse(description="The same event id is being recorded by another request."),
        },
        parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, required=True)],
        auth=[],
    )
    def post(self, request):
        # the exact bytes that were signed, read before parsing
        answer, recorded = payment_notification_accept(
            raw=request._request.body, header=request.headers.get(HEADER), data=request.data
        )
        return Response(answer, status=status.HTTP_201_CREATED if recorded else status.HTTP_200_OK)


def payment_notification_accept(*, raw: bytes, header: str | None, data: object) -> tuple[dict, bool]:
    """A signed payment notification, checked and recorded once: what the endpoint answers and
    whether this call recorded it. The endpoint calls it, and so does the pay-now test provider
    (receivables/paynow), which signs its notification as a provider would."""
    try:
        signature_verify(secret=settings.O2C_PAYMENT_NOTIFICATION_SECRET, header=header, body=raw)
    except SignatureError as error:
        raise DomainError(str(error), field="signature", code=error.code) from None
    body = s.PaymentNotificationIn(data=data)
    body.is_valid(raise_exception=True)
    event = dict(body.validated_data)
    reference = parse_id_or_code(event["customer"], field="customer")
    lookup = {"pk": reference} if isinstance(reference, int) else {"code__iexact": reference}
    customer = customer_list().filter(**lookup).first()
    if customer is None:
        raise DomainError(
            f"customer {reference} does not exist", field="customer", code=KernelErrorCode.DOES_NOT_EXIST
        )
    event["customer"] = customer.pk
    payment, recorded = pipeline.payment_notification_receive(
        event={**event, "amount": str(event["amount"]), "received_on": event["received_on"].isoformat()}
    )
    answer = {
        "id": event["id"],
        "payment": payment.pk,
        "payment_number": payment.number,
        "recorded": recorded,
    }
    return answer, recorded
