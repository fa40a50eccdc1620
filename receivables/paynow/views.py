"""Pay-now pages (no login: the signed token is the key): the invoice's payment page, which hands
the customer to the configured provider, and the local test provider's page.

Thin views: read the token, read the invoice, call the provider or the notification acceptor."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from invoicing.selectors import invoice_get
from o2c.documents import company_block
from o2c.errors import DomainError
from o2c.paylinks import pay_token_read
from o2c.signing import signature_header
from receivables.cash.api.views import payment_notification_accept
from receivables.paynow.providers import Checkout, provider
from receivables.portal.views import private_response

if TYPE_CHECKING:
    from invoicing.models import Invoice


def _invoice(token: str) -> Invoice:
    invoice_id = pay_token_read(token)
    if invoice_id is None:
        raise Http404("this payment link is not valid")
    try:
        return invoice_get(invoice_id=invoice_id)
    except ObjectDoesNotExist:
        raise Http404("this payment link is not valid") from None


def _checkout(request, token: str, invoice: Invoice) -> Checkout:
    back = request.build_absolute_uri(reverse("paynow:pay", args=[token]))
    return Checkout(
        token=token,
        invoice_id=invoice.pk,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        customer_code=invoice.customer.code,
        amount=invoice.balance,
        currency=invoice.currency,
        success_url=f"{back}?done=1",
        cancel_url=back,
    )


@require_http_methods(["GET", "POST"])
def pay(request, token: str):
    invoice = _invoice(token)
    chosen = provider()
    if request.method == "POST":
        if invoice.balance <= 0 or chosen is None:
            return redirect("paynow:pay", token=token)
        try:
            return HttpResponseRedirect(chosen.checkout_url(_checkout(request, token, invoice)))
        except DomainError as error:
            messages.error(request, f"The payment could not be started: {error.message}")
            return redirect("paynow:pay", token=token)
    return private_response(render(
        request,
        "receivables/paynow/pay.html",
        {"invoice": invoice, "provider": chosen, "token": token, "company": company_block(),
         "bank": settings.O2C_COMPANY_BANK, "done": request.GET.get("done") == "1"},
    ))  # fmt: skip


def test_provider(request, token: str):
    """The test provider's hosted page: pay the open amount, which sends a signed notification."""
    if settings.O2C_PAYMENT_PROVIDER != "test":
        raise Http404("the test provider is off")
    invoice = _invoice(token)
    return private_response(
        render(
            request,
            "receivables/paynow/test_provider.html",
            {"invoice": invoice, "token": token, "company": company_block()},
        )
    )


@require_POST
def test_provider_pay(request, token: str):
    if settings.O2C_PAYMENT_PROVIDER != "test":
        raise Http404("the test provider is off")
    invoice = _invoice(token)
    if invoice.balance > 0:
        event = {
            "id": f"test_{uuid.uuid4().hex}",
            "customer": invoice.customer.code,
            "amount": str(invoice.balance),
            "currency": invoice.currency,
            "reference": invoice.number,
            "received_on": timezone.localdate().isoformat(),
        }
        raw = json.dumps(event).encode()
        header = signature_header(secret=settings.O2C_PAYMENT_NOTIFICATION_SECRET, body=raw)
        try:
            payment_notification_accept(raw=raw, header=header, data=json.loads(raw))
        except DomainError as error:
            messages.error(request, f"The test provider's notification was refused: {error.message}")
            return redirect("paynow:pay", token=token)
    return redirect(f"{reverse('paynow:pay', args=[token])}?done=1")
