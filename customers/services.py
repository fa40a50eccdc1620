"""Customer writes."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from customers.models import Customer
from o2c.errors import DomainError


@transaction.atomic
def customer_create(
    *,
    code: str,
    name: str,
    email: str,
    currency: str = "EUR",
    payment_terms_days: int = 30,
    credit_limit: Decimal | None = None,
    blocked: bool = False,
    dunning_enabled: bool = True,
    tax_exempt: bool = False,
    vat_number: str = "",
    billing_address: str = "",
    shipping_address: str = "",
) -> Customer:
    if Customer.objects.filter(code=code).exists():
        raise DomainError(f"a customer with code {code} already exists", field="code")
    customer = Customer(
        code=code,
        name=name,
        email=email,
        currency=currency,
        payment_terms_days=payment_terms_days,
        credit_limit=credit_limit,
        blocked=blocked,
        dunning_enabled=dunning_enabled,
        tax_exempt=tax_exempt,
        vat_number=vat_number,
        billing_address=billing_address,
        shipping_address=shipping_address,
    )
    customer.full_clean()
    customer.save()
    return customer
