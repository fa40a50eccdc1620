"""Webhooks API (API.md, "Webhooks"): endpoints with their secret shown once, deliveries with
every attempt, resend. Managers only (403 for the other roles)."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from o2c.api import APIView, ListAPIView, ListCreateAPIView, RetrieveAPIView, role_permission
from o2c.api_fields import FilterSet
from o2c.events import EVENT_TYPES
from o2c.roles import MANAGER
from webhooks import selectors, services
from webhooks.api import serializers as s
from webhooks.models import WebhookDelivery

ManagerOnly = role_permission(MANAGER)


@extend_schema_view(
    get=extend_schema(responses=s.EndpointOut(many=True)),
    post=extend_schema(request=s.EndpointIn, responses={201: s.EndpointWithSecretOut}),
)
class EndpointListCreateView(ListCreateAPIView):
    permission_classes = [ManagerOnly]
    serializer_class = s.EndpointOut
    ordering_fields = ["id", "url", "created_at"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.webhook_endpoint_list()

    def create(self, request, *args, **kwargs):
        body = s.EndpointIn(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(**body.validated_data, by=request.user)
        return Response(s.EndpointWithSecretOut(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetailView(APIView):
    permission_classes = [ManagerOnly]

    def _endpoint(self, pk: int):
        return get_object_or_404(selectors.webhook_endpoint_list(), pk=pk)

    @extend_schema(responses=s.EndpointOut)
    def get(self, request, pk: int):
        return Response(s.EndpointOut(self._endpoint(pk)).data)

    @extend_schema(request=s.EndpointPatchIn, responses=s.EndpointOut)
    def patch(self, request, pk: int):
        self._endpoint(pk)
        body = s.EndpointPatchIn(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(endpoint_id=pk, **body.validated_data)
        return Response(s.EndpointOut(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        self._endpoint(pk)
        services.webhook_endpoint_delete(endpoint_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateSecretView(APIView):
    permission_classes = [ManagerOnly]

    @extend_schema(request=None, responses=s.EndpointWithSecretOut)
    def post(self, request, pk: int):
        get_object_or_404(selectors.webhook_endpoint_list(), pk=pk)
        endpoint = services.webhook_endpoint_rotate_secret(endpoint_id=pk)
        return Response(s.EndpointWithSecretOut(endpoint).data)


class DeliveryFilter(FilterSet):
    event_type = django_filters.ChoiceFilter(choices=[(name, name) for name in EVENT_TYPES])

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "event_type"]


class DeliveryListView(ListAPIView):
    permission_classes = [ManagerOnly]
    serializer_class = s.DeliveryOut
    filterset_class = DeliveryFilter
    ordering_fields = ["id", "created_at", "next_attempt_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.webhook_delivery_list()


class DeliveryDetailView(RetrieveAPIView):
    permission_classes = [ManagerOnly]
    serializer_class = s.DeliveryDetailOut

    def get_queryset(self):
        return selectors.webhook_delivery_list().prefetch_related("attempt_rows")


class DeliveryResendView(APIView):
    permission_classes = [ManagerOnly]

    @extend_schema(request=None, responses=s.DeliveryDetailOut)
    def post(self, request, pk: int):
        get_object_or_404(selectors.webhook_delivery_list(), pk=pk)
        services.webhook_delivery_resend(delivery_id=pk)
        delivery = selectors.webhook_delivery_list().prefetch_related("attempt_rows").get(pk=pk)
        return Response(s.DeliveryDetailOut(delivery).data)
