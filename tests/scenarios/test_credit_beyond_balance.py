"""A credit note worth more than is open on its invoice (decision 0063): by hand (API and page)
and resolving a dispute, the same rule as a return. Worked by hand.

An invoice of two espresso machines at 100.00 + 7 % and an installation at 200.00 + 19 %:
    machines 200.00 + 14.00, installation 200.00 + 38.00: total 452.00.
The customer pays 400.00 (52.00 open).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.models import CreditNote, Invoice
from ledger.selectors import account_balance
from o2c import pipeline
from receivables.cash.services import AllocationInput
from receivables.disputes.services import DisputeLineInput
from receivables.models import Payment
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line, stock
from tests.errors import error_code

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def invoice():
    machine = a_product(sku="ESP", price="100.00", tax_rate="7.00", cost="50.00")
    install = a_product(sku="SVC-INST", price="200.00", tax_rate="19.00", kind="service")
    stock(machine, "5")
    order = an_order(a_customer(credit_limit="10000.00"), line(machine, "2"), line(install, "1"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    invoice = Invoice.objects.get(shipment=shipment)
    assert invoice.total == D("452.00")
    return invoice


def _pay(invoice, amount):
    return pipeline.payment_record(
        customer_id=invoice.customer_id,
        amount=amount,
        received_on=timezone.localdate(),
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D(amount))],
    )


def test_a_dispute_resolved_after_the_customer_paid_credits_the_rest_to_their_account(invoice):
    """The installation (238.00) is disputed; the customer pays 400.00 anyway. Resolving the
    dispute by credit note credits 238.00: 52.00 against what is open, 186.00 back to the payment."""
    install = invoice.lines.get(product__sku="SVC-INST")
    dispute = pipeline.dispute_open(
        invoice_id=invoice.pk,
        reason="pricing",
        lines=[DisputeLineInput(install.pk, quantity=D("1"))],
        by=None,
    )
    payment = _pay(invoice, "400.00")
    resolved = pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="credit_note", by=None)
    note = resolved.credit_note
    assert (note.net_total, note.tax_total, note.total, note.amount_on_account) == (
        D("200.00"),
        D("38.00"),
        D("238.00"),
        D("186.00"),
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_paid) == ("paid", D("0.00"), D("214.00"))
    payment.refresh_from_db()
    assert payment.unapplied_amount == D("186.00")
    assert account_balance(key="customer_advances") == D("-186.00")
    assert_books_in_step()


def test_the_api_credits_an_amount_beyond_the_open_balance(invoice, api_client_for):
    """An amount of 100.00 on the invoice with 52.00 open: split over the rates in proportion to
    their gross (214.00 : 238.00 of 452.00): 7 %: 100.00 × 214 / 452 = 47.345 → 47.35, net
    47.35 × 100 / 107 = 44.252 → 44.25, tax 3.10; 19 %: the rest 52.65, net 52.65 × 100 / 119 =
    44.244 → 44.24, tax 8.41. 48.00 of it goes back to the payment."""
    payment = _pay(invoice, "400.00")
    finance = api_client_for("finance")
    response = finance.post(
        "/api/v1/credit-notes/",
        {"invoice": invoice.pk, "reason": "goodwill", "amount": "100.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["net_total"], body["tax_total"], body["total"], body["amount_on_account"]) == (
        "88.49",
        "11.51",
        "100.00",
        "48.00",
    )
    assert body["returns"] == []
    payment.refresh_from_db()
    assert payment.unapplied_amount == D("48.00")
    # At most what is open (0.00) plus what was paid (352.00).
    too_much = finance.post(
        "/api/v1/credit-notes/", {"invoice": invoice.pk, "reason": "x", "amount": "352.01"}, format="json"
    )
    assert too_much.status_code == 409 and error_code(too_much) == "credit_exceeds_balance"
    assert CreditNote.objects.count() == 1
    assert_books_in_step()
    # The rest of the payment's cash is refunded through the payments API as any unapplied cash.
    refund = finance.post(
        f"/api/v1/payments/{payment.pk}/refund/", {"amount": "48.00", "reason": "credit note"}, format="json"
    )
    assert refund.status_code in (200, 201), refund.content
    assert Payment.objects.get(pk=payment.pk).unapplied_amount == D("0.00")
    assert_books_in_step()


def test_the_pages_say_where_the_rest_went(invoice, client, make_user):
    payment = _pay(invoice, "452.00")
    client.force_login(make_user("finance"))
    form = client.get(reverse("invoicing:credit", args=[invoice.pk])).content.decode()
    assert "at most 452.00 EUR" in form and "goes back to the customer as unapplied cash" in form
    response = client.post(
        reverse("invoicing:credit", args=[invoice.pk]),
        {"mode": "amount", "amount": "10.00", "reason": "scratch"},
        follow=True,
    )
    assert "10.00 of it goes back to the customer as unapplied cash" in response.content.decode()
    note = CreditNote.objects.get()
    page = client.get(reverse("invoicing:credit-note-detail", args=[note.pk])).content.decode()
    assert 'data-testid="on-account"' in page and payment.number in page
    invoice_page = client.get(reverse("invoicing:detail", args=[invoice.pk])).content.decode()
    assert "10.00 back to the payments as unapplied cash" in invoice_page
    assert "given back by a credit note" in invoice_page
    assert_books_in_step()
