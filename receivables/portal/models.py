"""The customer portal: signed, expiring, revocable links to a customer's own statement."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PortalLink(models.Model):
    """A customer portal link: signed, expiring, revocable."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="portal_links")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"portal link {self.pk} for {self.customer_id}"
