"""The Stripe webhook endpoint (decision 0067): no token, the `Stripe-Signature` header is its
authentication; a paid checkout session is settled through the payment-notification path, once."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response

from o2c import pipeline
from o2c.api import APIView
from receivables.paynow.relay import STRIPE_HEADER, stripe_event_read


class StripeWebhookOut(serializers.Serializer):
    received = serializers.BooleanField()
    event = serializers.CharField()
    outcome = serializers.ChoiceField(
        choices=["relayed", "ignored", "not_paid", "unknown_session"],
        help_text="relayed: a paid session opened here; otherwise why nothing was recorded",
    )
    recorded = serializers.BooleanField(help_text="false when this session was recorded before (a replay)")
    payment = serializers.IntegerField(allow_null=True)
    payment_number = serializers.CharField(allow_null=True)
    amount_mismatch = serializers.CharField(
        help_text="when Stripe took another amount than the session asked"
    )


class StripeWebhookView(APIView):
    """Stripe's events: `checkout.session.completed` of a session opened here records its payment
    (applied to the invoice by its number); a replay, another event type, an unpaid or an unknown
    session is acknowledged (200) and records nothing."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: StripeWebhookOut,
            409: OpenApiResponse(description="The same session is being recorded by another request."),
        },
        parameters=[OpenApiParameter(STRIPE_HEADER, str, OpenApiParameter.HEADER, required=True)],
        auth=[],
    )
    def post(self, request):
        relay = stripe_event_read(raw=request._request.body, header=request.headers.get(STRIPE_HEADER))
        answer = {
            "received": True,
            "event": relay.event_id,
            "outcome": relay.outcome,
            "recorded": False,
            "payment": None,
            "payment_number": None,
            "amount_mismatch": relay.amount_mismatch,
        }
        if relay.notification is not None:
            payment, recorded = pipeline.payment_notification_receive(event=relay.notification)
            answer.update(recorded=recorded, payment=payment.pk, payment_number=payment.number)
        return Response(StripeWebhookOut(answer).data)
