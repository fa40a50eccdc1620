"""Helpers of the payment page tests: logging in, recording a payment, reading htmx fragments."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from o2c import pipeline

D = Decimal


NEW = reverse("receivables:payment-new")


LIST = reverse("receivables:payments")


PROPOSAL = reverse("receivables:payment-proposal")


TOTALS = reverse("receivables:payment-totals")


SEARCH = reverse("receivables:payment-customer-search")


HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, make_user, role="finance"):
    user = make_user(role, f"{role}-pages")
    client.force_login(user)
    return user


def detail_url(payment) -> str:
    return reverse("receivables:payment-detail", args=[payment.pk])


def pay(customer, amount, reference="", allocations=None, **kwargs):
    return pipeline.payment_record(
        customer_id=customer.pk,
        amount=amount,
        reference=reference,
        received_on=kwargs.pop("received_on", timezone.localdate()),
        allocations=allocations,
        **kwargs,
    )


def value_of(html: str, name: str) -> str:
    """The value of the input called `name` in an htmx fragment (fragments carry no context)."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, name
    return match.group(1)


def footer(html: str, figure: str) -> str:
    return re.search(rf'data-testid="footer-{figure}">([^<]*)<', html).group(1)


def entry(customer, amount, reference="", basis=None, **fields) -> dict:
    """What the entry page posts: `basis` as the proposal for these figures would have set it."""
    data = {
        "customer": customer.pk,
        "customer_query": f"{customer.code} — {customer.name}",
        "amount": amount,
        "reference": reference,
        "received_on": timezone.localdate().isoformat(),
        "method": "bank_transfer",
        "basis": f"{customer.pk}|{D(amount):.2f}|{reference.strip().lower()}" if basis is None else basis,
    }
    data.update(fields)
    return data
