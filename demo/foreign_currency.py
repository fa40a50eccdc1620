"""Demo data of foreign-currency documents (decision 0062): a customer billed in US dollars, the
rates finance entered, an invoice at yesterday's rate and its payment at today's, with the
realised exchange gain posted."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers import services as customer_services
from customers.selectors import customer_list
from inventory.selectors import product_list, warehouse_list
from ledger.rates.services import exchange_rate_set
from o2c import pipeline
from orders.services import LineInput

CODE = "C0008"


def seed_foreign_currency() -> None:
    """C0008 Brooklyn Roasters Inc. (USD): 1 EUR = 1.0800 USD yesterday, 1.0500 today; an
    invoice of the maintenance contract at 1.08 and its payment at 1.05. Runs once."""
    if customer_list().filter(code=CODE).exists():
        return
    user_model = get_user_model()
    finance, sales = user_model.objects.get(username="finance"), user_model.objects.get(username="sales")
    today = timezone.localdate()
    exchange_rate_set(currency="USD", rate=Decimal("1.0800"), valid_on=today - timedelta(days=1), by=finance)
    exchange_rate_set(currency="GBP", rate=Decimal("0.8450"), valid_on=today - timedelta(days=1), by=finance)
    exchange_rate_set(currency="CHF", rate=Decimal("0.9350"), valid_on=today - timedelta(days=1), by=finance)
    customer = customer_services.customer_create(
        code=CODE,
        name="Brooklyn Roasters Inc.",
        email="ap@brooklyn-roasters.example",
        currency="USD",
        payment_terms_days=30,
        credit_limit=Decimal("20000.00"),
        tax_exempt=True,  # an export outside the EU: no German VAT
        billing_address="Brooklyn Roasters Inc.\n55 Water Street\nBrooklyn, NY 11201\nUSA",
        shipping_address="Brooklyn Roasters Inc.\n55 Water Street\nBrooklyn, NY 11201\nUSA",
        by=finance,
    )
    maintenance = product_list().get(sku="SVC-MAINT")
    order = pipeline.order_place(
        by=sales,
        submit=True,
        customer_id=customer.pk,
        lines=[LineInput(product_id=maintenance.pk, quantity=Decimal("2"))],
        warehouse_id=warehouse_list().get(code="MAIN").pk,
        customer_reference="BR-PO-2026-17",
    )
    invoice = order.invoices.get()
    exchange_rate_set(currency="USD", rate=Decimal("1.0500"), valid_on=today, by=finance)
    pipeline.payment_record(
        customer_id=customer.pk,
        amount=str(invoice.total),
        reference=f"Wire {invoice.number}",
        received_on=today,
        by=finance,
    )
