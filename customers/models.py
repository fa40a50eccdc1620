"""Customers: who buys, on which terms, with how much credit."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models

from customers.einvoice import INVOICE_FORMATS

# The languages customers are written to in (e-mail notifications, docs/decisions/0046).
LANGUAGES = [("en", "English"), ("de", "Deutsch")]


def default_language() -> str:
    """A new customer's language: the setting `O2C_DEFAULT_CUSTOMER_LANGUAGE` (`en`)."""
    return str(settings.O2C_DEFAULT_CUSTOMER_LANGUAGE)


@pghistory.track()  # every change, credit limit and blocked flag included, lands in the audit trail
class Customer(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    email = models.EmailField(help_text="billing address for invoices, statements and dunning letters")
    currency = models.CharField(max_length=3, default="EUR")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)  # `payment_terms.net_days`
    # Cash discount (decision 0056): `discount_percent` off when paid within `discount_days` of the
    # invoice date (2 % 10, net 30); 0.00 and 0: none. Each invoice copies them when issued.
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    discount_days = models.PositiveSmallIntegerField(default=0)
    credit_limit = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, help_text="empty means unlimited"
    )
    blocked = models.BooleanField(default=False)
    dunning_enabled = models.BooleanField(default=True)
    tax_exempt = models.BooleanField(default=False)
    vat_number = models.CharField(max_length=30, blank=True)
    billing_address = models.TextField(blank=True)
    shipping_address = models.TextField(blank=True)
    # E-invoicing (docs/decisions/0058): the ISO country of the billing address, the Peppol
    # participant id (`scheme:identifier`, customers/einvoice.py) and what the invoice e-mail attaches.
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code of the billing address")
    peppol_id = models.CharField(
        max_length=60,
        blank=True,
        help_text="Peppol participant id, scheme:identifier, e.g. 0088:4035811991021",
    )
    invoice_format = models.CharField(
        max_length=10, choices=INVOICE_FORMATS, default="pdf", help_text="what the invoice e-mail attaches"
    )
    language = models.CharField(
        max_length=5, choices=LANGUAGES, default=default_language, help_text="of the e-mails it receives"
    )
    # Notifications it may turn off, one per kind (invoices always go: docs/decisions/0046).
    notify_order_confirmation = models.BooleanField(default=True, help_text="order confirmation e-mail")
    notify_order_review = models.BooleanField(
        default=True, help_text="'we are reviewing your order' note (if the company sends it)"
    )
    notify_shipping_notice = models.BooleanField(default=True, help_text="shipping notice e-mail")
    notify_late_notice = models.BooleanField(default=True, help_text="late-shipment notice e-mail")
    # Its prices (decision 0054): orders and quotations take them, else the product price.
    price_list = models.ForeignKey(
        "pricing.PriceList", null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [("change_credit_terms", "Can change credit limit, blocked and dunning flags")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_limit__isnull=True) | models.Q(credit_limit__gte=0),
                name="customer_credit_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CustomerExposure(models.Model):
    """What a customer owes on invoices and has on approved orders, kept as running sums by the
    movements that change them, so that the credit check reads one row instead of summing the
    customer's history (docs/decisions/0050-kept-credit-exposure.md).

    - `open_receivables`: the sum of its invoices' open-item rows (receivables/services.py adds
      every row as it writes it), which is the sum of their balances;
    - `open_orders`: the sum, over its approved orders not yet closed or cancelled, of the order's
      total less what has been invoiced of it (orders/services/exposure.py, at every status
      change and every invoice).

    Written only by `customers.services.exposure_move` (one UPDATE … + delta each, under the lock
    of the customer the movement already holds); `manage.py credit_positions` compares every row
    with the sums it stands for and repairs it (`--fix`). A customer without a row has none yet."""

    customer = models.OneToOneField(Customer, primary_key=True, on_delete=models.CASCADE, related_name="+")
    open_receivables = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    open_orders = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.open_receivables} + {self.open_orders}"
