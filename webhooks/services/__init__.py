"""Webhook writes: endpoints (endpoints.py), the bus listener and resend (events.py), sending
(sending.py)."""

from webhooks.services.endpoints import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_events_clean,
    webhook_url_check,
)
from webhooks.services.events import webhook_delivery_resend, webhook_event_record
from webhooks.services.sending import (
    webhook_deliveries_due_beyond,
    webhook_deliveries_send,
    webhook_delivery_attempt,
)

__all__ = [
    "webhook_deliveries_due_beyond",
    "webhook_deliveries_send",
    "webhook_delivery_attempt",
    "webhook_delivery_resend",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_rotate_secret",
    "webhook_endpoint_update",
    "webhook_event_record",
    "webhook_events_clean",
    "webhook_url_check",
]
