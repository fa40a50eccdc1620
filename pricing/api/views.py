"""The price list API (API.md): managers only (API.md's roles)."""

from decimal import Decimal

import django_filters
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from o2c.api import GenericAPIView, ListAPIView, role_permission
from o2c.api_fields import FilterSet
from o2c.roles import MANAGER
from pricing import selectors, services
from pricing.api import serializers as s
from pricing.models import PriceList

CanPrice = role_permission(MANAGER)


class PriceListFilter(FilterSet):
    name = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = PriceList
        fields = ["name", "currency"]


def _items(items) -> list[services.ItemInput]:
    return [
        services.ItemInput(
            product_id=item["product"],
            min_quantity=item.get("min_quantity", Decimal("0")),
            unit_price=item["unit_price"],
        )
        for item in items
    ]


def _respond(step, status_code=status.HTTP_200_OK) -> Response:
    with transaction.atomic():
        price_list = step()
        data = s.PriceListOut(selectors.price_list_get(price_list_id=price_list.pk)).data
    return Response(data, status=status_code)


class PriceListListView(ListAPIView):
    permission_classes = [CanPrice]
    serializer_class = s.PriceListOut
    filterset_class = PriceListFilter
    ordering_fields = ["id", "name", "currency", "valid_from", "valid_to"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.price_list_list()

    @extend_schema(request=s.PriceListIn, responses={201: s.PriceListOut})
    def post(self, request):
        body = s.PriceListIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return _respond(
            lambda: services.price_list_create(
                name=data["name"],
                currency=data["currency"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                items=_items(data["items"]),
                by=request.user,
            ),
            status.HTTP_201_CREATED,
        )


class PriceListDetailView(GenericAPIView):
    permission_classes = [CanPrice]
    serializer_class = s.PriceListOut

    def get_queryset(self):
        return selectors.price_list_list()

    def get(self, request, pk: int):
        return Response(s.PriceListOut(self.get_object()).data)

    @extend_schema(request=s.PriceListIn, responses=s.PriceListOut)
    def patch(self, request, pk: int):
        price_list = self.get_object()
        body = s.PriceListIn(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "items" in data:
            data["items"] = _items(data["items"])
        return _respond(
            lambda: services.price_list_update(price_list_id=price_list.pk, by=request.user, **data)
        )
