"""Inventory API (API.md, master data): products and warehouses (written by managers), stock
levels, and goods receipts (warehouse), which go through the pipeline's `stock_receive`."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, permissions, status
from rest_framework.response import Response

from inventory import selectors, services
from inventory.api import serializers as s
from inventory.models import Product, StockLevel
from o2c import pipeline
from o2c.api import APIView, ListAPIView, ListCreateAPIView, RetrieveUpdateAPIView, role_permission
from o2c.api_fields import FilterBackend, FilterSet, IdFilter
from o2c.roles import FINANCE, MANAGER, SALES, WAREHOUSE

ReadInventory = role_permission(SALES, WAREHOUSE, FINANCE)
WriteMasterData = role_permission(MANAGER)
ReceiveStock = role_permission(WAREHOUSE)


class MasterDataAccess:
    """Everyone reads; only managers write."""

    def get_permissions(self):
        permission = ReadInventory if self.request.method in permissions.SAFE_METHODS else WriteMasterData
        return [permission()]


class ProductFilter(FilterSet):
    sku = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Product
        fields = ["sku", "kind", "active"]


class StockLevelFilter(FilterSet):
    product = IdFilter(field_name="product_id", help_text="product id")
    warehouse = IdFilter(field_name="warehouse_id", help_text="warehouse id")

    class Meta:
        model = StockLevel
        fields = ["product", "warehouse"]


@extend_schema_view(post=extend_schema(request=s.ProductIn, responses={201: s.ProductOut}))
class ProductListCreateView(MasterDataAccess, ListCreateAPIView):
    serializer_class = s.ProductOut
    filter_backends = [FilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = ProductFilter
    search_fields = ["sku", "name"]
    ordering_fields = list(selectors.PRODUCT_ORDERING_FIELDS)
    ordering = ["sku"]

    def get_queryset(self):
        return selectors.product_list()

    def create(self, request, *args, **kwargs):
        body = s.ProductIn(data=request.data)
        body.is_valid(raise_exception=True)
        product = services.product_create(**body.validated_data)
        return Response(
            s.ProductOut(selectors.product_get(product_id=product.pk)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-product", args=[product.pk])},
        )


@extend_schema_view(patch=extend_schema(request=s.ProductIn, responses=s.ProductOut))
class ProductDetailView(MasterDataAccess, RetrieveUpdateAPIView):
    serializer_class = s.ProductOut
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.product_list()

    def partial_update(self, request, *args, **kwargs):
        product = self.get_object()
        body = s.ProductIn(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.product_update(product_id=product.pk, **body.validated_data)
        return Response(s.ProductOut(selectors.product_get(product_id=product.pk)).data)


@extend_schema_view(post=extend_schema(request=s.WarehouseIn, responses={201: s.WarehouseOut}))
class WarehouseListCreateView(MasterDataAccess, ListCreateAPIView):
    serializer_class = s.WarehouseOut
    ordering_fields = ["code", "name"]
    ordering = ["code"]
    filterset_fields = ["code"]

    def get_queryset(self):
        return selectors.warehouse_list()

    def create(self, request, *args, **kwargs):
        body = s.WarehouseIn(data=request.data)
        body.is_valid(raise_exception=True)
        warehouse = services.warehouse_create(**body.validated_data)
        return Response(s.WarehouseOut(warehouse).data, status=status.HTTP_201_CREATED)


class StockLevelListView(ListAPIView):
    """Stock per product and warehouse, with what open orders wait for (`backordered`)."""

    permission_classes = [ReadInventory]
    serializer_class = s.StockLevelOut
    filterset_class = StockLevelFilter
    ordering_fields = ["product__sku", "warehouse__code", "on_hand", "reserved", "available_quantity"]
    ordering = ["product__sku", "warehouse__code"]

    def get_queryset(self):
        return selectors.stock_level_list()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        levels = selectors.stock_levels_with_backorders(levels=page)
        return self.get_paginated_response(s.StockLevelOut(levels, many=True).data)


class StockReceiptView(APIView):
    """Goods in: stock goes up, then backorders are allocated, oldest order first."""

    permission_classes = [ReceiveStock]

    @extend_schema(request=s.StockReceiptIn, responses={201: s.StockReceiptOut})
    def post(self, request):
        body = s.StockReceiptIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        move = pipeline.stock_receive(
            product_id=data["product"].pk,
            warehouse_id=data["warehouse"].pk,
            quantity=data["quantity"],
            reference=data["reference"],
            by=request.user,
        )
        level = selectors.stock_level_get(product_id=move.product_id, warehouse_id=move.warehouse_id)
        move.stock_level = {
            "on_hand": level.on_hand,
            "reserved": level.reserved,
            "available": level.available,
        }
        return Response(s.StockReceiptOut(move).data, status=status.HTTP_201_CREATED)
