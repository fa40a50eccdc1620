"""The quotation API of API.md (Commercial documents): thin views over quotations.services and
the pipeline step `quotation_accept`. Sales and managers (API.md's roles)."""

from collections.abc import Callable

import django_filters
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from o2c import pipeline
from o2c.api import GenericAPIView, ListAPIView, role_permission
from o2c.api_fields import FilterSet
from o2c.documents import pdf_response
from o2c.roles import SALES
from orders.services import LineInput
from quotations import selectors, services
from quotations.api import serializers as s
from quotations.documents import quotation_filename, quotation_pdf_render
from quotations.models import Quotation

CanQuote = role_permission(SALES)


class QuotationFilter(FilterSet):
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Quotation
        fields = ["customer", "status", "number", "order"]


def _line_inputs(lines) -> list[LineInput]:
    return [
        LineInput(
            product_id=line["product"],
            quantity=line["quantity"],
            unit_price=line.get("unit_price"),
            discount_percent=line.get("discount_percent") or 0,
        )
        for line in lines
    ]


def _quotation_response(
    step: Callable[[], object], status_code=status.HTTP_200_OK, *, quotation_id=None
) -> Response:
    """Run `step` and answer the quotation as written, read inside the step's transaction."""
    with transaction.atomic():
        result = step()
        pk = quotation_id if quotation_id is not None else result.pk
        data = s.QuotationOut(selectors.quotation_detail_list().get(pk=pk)).data
    return Response(data, status=status_code)


class QuotationListView(ListAPIView):
    permission_classes = [CanQuote]
    serializer_class = s.QuotationOut
    filterset_class = QuotationFilter
    ordering_fields = ["id", "number", "quotation_date", "valid_until", "total", "status"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.quotation_detail_list()

    @extend_schema(request=s.QuotationIn, responses={201: s.QuotationOut})
    def post(self, request):
        body = s.QuotationIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return _quotation_response(
            lambda: services.quotation_create(
                by=request.user,
                customer_id=data["customer"],
                lines=_line_inputs(data["lines"]),
                valid_until=data.get("valid_until"),
                requested_delivery_date=data.get("requested_delivery_date"),
                customer_reference=data["customer_reference"],
                ship_to=data["ship_to"],
                warehouse_id=data["warehouse"],
                currency=data["currency"] or None,
            ),
            status.HTTP_201_CREATED,
        )


class QuotationDetailView(GenericAPIView):
    permission_classes = [CanQuote]
    serializer_class = s.QuotationOut

    def get_queryset(self):
        return selectors.quotation_detail_list()

    def get(self, request, pk: int):
        return Response(s.QuotationOut(self.get_object()).data)

    @extend_schema(request=s.QuotationPatchIn, responses=s.QuotationOut)
    def patch(self, request, pk: int):
        quotation = self.get_object()
        body = s.QuotationPatchIn(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        changes = {
            name: data[name]
            for name in ("valid_until", "requested_delivery_date", "customer_reference", "ship_to")
            if name in data
        }
        if "lines" in data:
            changes["lines"] = _line_inputs(data["lines"])
        if "warehouse" in data:
            changes["warehouse_id"] = data["warehouse"]
        return _quotation_response(
            lambda: services.quotation_update(quotation_id=quotation.pk, by=request.user, **changes)
        )


class _QuotationAction(GenericAPIView):
    permission_classes = [CanQuote]
    serializer_class = s.QuotationOut
    body_class = None

    def get_queryset(self):
        return selectors.quotation_list()

    def run(self, *, quotation_id: int, data: dict, by):
        raise NotImplementedError

    def post(self, request, pk: int):
        quotation = self.get_object()
        data = {}
        if self.body_class is not None:
            body = self.body_class(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        return _quotation_response(
            lambda: self.run(quotation_id=quotation.pk, data=data, by=request.user), quotation_id=quotation.pk
        )


@extend_schema_view(post=extend_schema(request=None, responses=s.QuotationOut))
class QuotationSendView(_QuotationAction):
    """E-mail the quotation with its PDF: `sent`."""

    def run(self, *, quotation_id, data, by):
        return services.quotation_send(quotation_id=quotation_id, by=by)


@extend_schema_view(post=extend_schema(request=None, responses=s.QuotationOut))
class QuotationAcceptView(_QuotationAction):
    """The customer accepted: the order is created (`order` set) and submitted to the credit check."""

    def run(self, *, quotation_id, data, by):
        return pipeline.quotation_accept(quotation_id=quotation_id, by=by)


@extend_schema_view(post=extend_schema(request=s.DeclineIn, responses=s.QuotationOut))
class QuotationDeclineView(_QuotationAction):
    body_class = s.DeclineIn

    def run(self, *, quotation_id, data, by):
        return services.quotation_decline(quotation_id=quotation_id, reason=data["reason"], by=by)


class QuotationEventsView(ListAPIView):
    permission_classes = [CanQuote]
    serializer_class = s.QuotationEventOut
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.quotation_events(quotation_id=0)
        return selectors.quotation_events(quotation_id=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        get_object_or_404(selectors.quotation_list(), pk=self.kwargs["pk"])
        return super().list(request, *args, **kwargs)


class QuotationPdfView(GenericAPIView):
    permission_classes = [CanQuote]

    def get_queryset(self):
        return selectors.quotation_list()

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int) -> HttpResponse:
        quotation = self.get_object()
        return pdf_response(quotation_pdf_render(quotation=quotation), filename=quotation_filename(quotation))
