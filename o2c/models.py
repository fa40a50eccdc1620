"""Tables of the shared kernel: remembered idempotent responses, the transactional outbox, and
the abstract event row every document's timeline shares (o2c/states.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """The first successful response to a POST carrying an `Idempotency-Key`, per user and key.

    Written in the same transaction as the request's effect, so either both exist or neither.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class OutboxMessage(models.Model):
    """A side effect (email, PDF, webhook) recorded in the transaction that caused it.

    The relay task delivers pending messages after commit; handlers are idempotent by message id.
    An e-mail is `sending` from just before its send to just after (its `message_id`, the
    Message-ID header, stored first), and `uncertain` when its worker died in between: at most
    once, never resent blindly (o2c/outbox.py).
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        DELIVERED = "delivered"
        FAILED = "failed"
        UNCERTAIN = "uncertain"

    kind = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True, default="")
    sending_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_due",
                condition=models.Q(status="pending"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "delivered", "failed", "uncertain"]),
                name="outbox_status_valid",
            ),
            models.UniqueConstraint(
                fields=["message_id"], condition=~models.Q(message_id=""), name="outbox_message_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class StatusEvent(models.Model):
    """One step on a document's timeline: who did what, when, from which status to which, and why.

    Each document has its own event table (OrderEvent, ShipmentEvent, InvoiceEvent, …) made from
    this one, with a foreign key to the document whose `related_name` is `events`:
    `o2c.states.transition` writes a row for every status change. Rows with an empty
    `to_status` record other steps (created, edited, allocated). `detail` holds the reason.
    """

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    event = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class DrawnNumberField(models.CharField):  # type: ignore[type-arg]
    """A document number that may be drawn by the INSERT itself (`o2c.numbering.sequence_number_drawn`):
    returned by every insert (RETURNING), so the saved object holds the text. The column is a
    plain varchar: migrations see a CharField."""

    db_returning = True

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
