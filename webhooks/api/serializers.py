from __future__ import annotations

import json
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from o2c.api_fields import TextField
from o2c.events import EVENT_TYPES
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

EVENT_CHOICES = ["*", *EVENT_TYPES]


class EndpointIn(serializers.Serializer):
    url = TextField(max_length=2000, help_text="https (plain http and private addresses only in development)")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES),
        min_length=1,
        help_text='event types; ["*"] = all',
    )
    active = serializers.BooleanField(required=False, default=True)
    description = TextField(max_length=200, required=False, allow_blank=True, default="")


class EndpointPatchIn(serializers.Serializer):
    url = TextField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), min_length=1, required=False
    )
    active = serializers.BooleanField(required=False)
    description = TextField(max_length=200, required=False, allow_blank=True)


class EndpointOut(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "active", "created_at", "updated_at"]


class EndpointWithSecretOut(EndpointOut):
    """At creation and rotation only: the secret is never shown again."""

    secret = serializers.CharField(help_text="whsec_… : shown this once; keep it to verify deliveries")

    class Meta(EndpointOut.Meta):
        fields = [*EndpointOut.Meta.fields, "secret"]


class AttemptOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["id", "attempted_at", "status_code", "duration_ms", "response_excerpt", "error"]


class DeliveryOut(serializers.ModelSerializer):
    object = serializers.CharField(source="object_key", help_text="<app>.<model>:<id> of the event's object")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "object",
            "status",
            "attempts",
            "occurred_at",
            "created_at",
            "next_attempt_at",
            "give_up_at",
            "delivered_at",
            "last_error",
        ]


class DeliveryDetailOut(DeliveryOut):
    payload = serializers.SerializerMethodField(help_text='the body POSTed: {"type", "timestamp", "data"}')
    attempt_list = AttemptOut(source="attempt_rows", many=True, read_only=True)

    class Meta(DeliveryOut.Meta):
        fields = [*DeliveryOut.Meta.fields, "payload", "attempt_list"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payload(self, delivery: WebhookDelivery) -> Any:
        return json.loads(delivery.body)
