"""Customer API (API.md, master data): list, create, read, PATCH. Reading is open to every role;
sales and finance create and edit; only finance (or a manager) changes the credit terms."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, permissions, status
from rest_framework.response import Response

from customers import selectors, services
from customers.api import serializers as s
from customers.models import Customer
from o2c.api import ListCreateAPIView, RetrieveUpdateAPIView, role_permission
from o2c.api_fields import FilterBackend, FilterSet
from o2c.roles import FINANCE, SALES, WAREHOUSE

ReadCustomers = role_permission(SALES, WAREHOUSE, FINANCE)
WriteCustomers = role_permission(SALES, FINANCE)


class CustomerFilter(FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact")
    currency = django_filters.CharFilter()

    class Meta:
        model = Customer
        fields = ["code", "blocked", "currency"]


class CustomerAccess:
    def get_permissions(self):
        permission = ReadCustomers if self.request.method in permissions.SAFE_METHODS else WriteCustomers
        return [permission()]


def _customer_out(customer: Customer) -> dict:
    return s.CustomerOut(selectors.customers_with_positions(customers=[customer])[0]).data


@extend_schema_view(
    get=extend_schema(responses=s.CustomerOut(many=True)),
    post=extend_schema(request=s.CustomerIn, responses={201: s.CustomerOut}),
)
class CustomerListCreateView(CustomerAccess, ListCreateAPIView):
    serializer_class = s.CustomerOut
    filter_backends = [FilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = CustomerFilter
    search_fields = ["code", "name", "email", "vat_number"]
    ordering_fields = list(selectors.ORDERING_FIELDS)
    ordering = ["name", "code"]

    def get_queryset(self):
        return selectors.customer_list()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        customers = selectors.customers_with_positions(customers=page)
        return self.get_paginated_response(s.CustomerOut(customers, many=True).data)

    def create(self, request, *args, **kwargs):
        body = s.CustomerIn(data=request.data)
        body.is_valid(raise_exception=True)
        customer = services.customer_create(**body.validated_data, by=request.user)
        return Response(
            _customer_out(customer),
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-customer", args=[customer.pk])},
        )


@extend_schema_view(
    get=extend_schema(responses=s.CustomerOut),
    patch=extend_schema(request=s.CustomerIn, responses=s.CustomerOut),
)
class CustomerDetailView(CustomerAccess, RetrieveUpdateAPIView):
    serializer_class = s.CustomerOut
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.customer_list()

    def retrieve(self, request, *args, **kwargs):
        return Response(_customer_out(self.get_object()))

    def partial_update(self, request, *args, **kwargs):
        customer = self.get_object()
        body = s.CustomerIn(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        customer = services.customer_update(customer_id=customer.pk, by=request.user, **body.validated_data)
        return Response(_customer_out(customer))
