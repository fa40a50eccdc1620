"""The finance clerk's payment entry page, from the browser's side: who may open the payment pages,
the entry page with its proposal, and saving (the proposal adjusted, a duplicate confirmed).

State is built through tests/builders.py and the pipeline, never by writing rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from o2c import pipeline
from receivables.cash.services import AllocationInput
from receivables.cash.tests.pages import (
    HTMX,
    LIST,
    NEW,
    PROPOSAL,
    SEARCH,
    TOTALS,
    D,
    detail_url,
    entry,
    footer,
    login,
    pay,
    value_of,
)
from receivables.models import Payment
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["sales", "warehouse"])
def test_other_roles_are_refused_every_payment_page(client, make_user, role, customer, invoices):
    payment = pay(customer, "10.00")
    login(client, make_user, role)
    for url in (NEW, LIST, detail_url(payment), f"{SEARCH}?customer_query=ac"):
        assert client.get(url).status_code == 403, url
    for url in (PROPOSAL, TOTALS, reverse("receivables:payment-reverse", args=[payment.pk])):
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403, url
    assert client.post(NEW, entry(customer, "10.00")).status_code == 403
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("role", ["finance", "manager"])
def test_finance_and_managers_open_them(client, make_user, role, customer, invoices):
    payment = pay(customer, "10.00")
    login(client, make_user, role)
    for url in (NEW, f"{NEW}?customer={customer.pk}", LIST, detail_url(payment)):
        assert client.get(url).status_code == 200, url


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(NEW)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_entry_page_shows_the_customers_open_invoices_and_unapplied_cash(
    client, make_user, customer, invoices
):
    old, new = invoices
    pay(customer, "7.50", allocations=[])  # unapplied cash from an earlier payment
    login(client, make_user)
    page = client.get(NEW, {"customer": customer.pk})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [row["invoice"].number for row in rows] == [old.number, new.number]  # oldest due first
    assert [row["invoice"].days_overdue for row in rows] == [10, 0]
    assert page.context["position"].unapplied_cash == D("7.50")
    text = page.text
    assert 'class="overdue' in text and "ACME — Acme Trading GmbH" in text
    assert 'data-testid="unapplied-cash">7.50<' in text
    assert 'aria-keyshortcuts="Alt+S"' in text and "autofocus" in text


def test_without_a_customer_the_customer_field_has_the_focus(client, make_user):
    login(client, make_user)
    page = client.get(NEW)
    assert page.status_code == 200
    assert 'id="customer-query"' in page.text and page.context["rows"] == []


def test_the_customer_search_answers_with_options(client, make_user, customer):
    a_customer(code="BETA", name="Beta Bistro")
    login(client, make_user)
    options = client.get(SEARCH, {"customer_query": "acm"}, **HTMX)
    assert options.status_code == 200
    assert "ACME — Acme Trading GmbH" in options.text and "Beta" not in options.text
    assert "No customer matches" in client.get(SEARCH, {"customer_query": "zzz"}, **HTMX).text


def test_the_proposal_follows_the_rule_of_the_service(client, make_user, customer, invoices):
    old, new = invoices
    login(client, make_user)
    # oldest due first
    proposal = client.post(PROPOSAL, entry(customer, "120", basis=""), **HTMX)
    assert proposal.status_code == 200
    html = proposal.text
    assert value_of(html, f"apply_{old.pk}") == "100.00" and value_of(html, f"apply_{new.pk}") == "20.00"
    assert value_of(html, "basis") == f"{customer.pk}|120.00|"
    assert 'id="customer-panel"' in html and 'hx-swap-oob="true"' in html  # the position comes along
    assert (footer(html, "applied"), footer(html, "unapplied")) == ("120.00", "0.00")
    # an invoice named in the reference comes first
    named = client.post(PROPOSAL, entry(customer, "60", reference=f"pay {new.number}", basis=""), **HTMX).text
    assert value_of(named, f"apply_{new.pk}") == "50.00" and value_of(named, f"apply_{old.pk}") == "10.00"
    # more than is open: the rest stays unapplied
    over = client.post(PROPOSAL, entry(customer, "1000", basis="") | {"amount": "1,000.00"}, **HTMX).text
    assert footer(over, "unapplied") == "850.00"
    # no amount yet: nothing proposed
    empty = client.post(PROPOSAL, entry(customer, "10", basis="") | {"amount": ""}, **HTMX).text
    assert value_of(empty, f"apply_{old.pk}") == "" and value_of(empty, "basis") == ""


def test_a_disputed_amount_is_left_out_of_the_proposal(client, make_user, customer, invoices):
    old, new = invoices
    finance = login(client, make_user)
    pipeline.dispute_open(invoice_id=old.pk, amount="30.00", reason="damaged", by=finance)
    proposal = client.post(PROPOSAL, entry(customer, "150", basis=""), **HTMX).text
    assert (
        value_of(proposal, f"apply_{old.pk}") == "70.00" and value_of(proposal, f"apply_{new.pk}") == "50.00"
    )
    assert footer(proposal, "unapplied") == "30.00"


def test_the_footer_follows_what_the_clerk_types(client, make_user, customer, invoices):
    old, new = invoices
    login(client, make_user)
    data = entry(customer, "120.00") | {f"apply_{old.pk}": "90", f"apply_{new.pk}": "50"}
    totals = client.post(TOTALS, data, **HTMX)
    assert totals.status_code == 200
    assert (footer(totals.text, "applied"), footer(totals.text, "unapplied")) == ("140.00", "-20.00")
    assert 'data-testid="over-applied"' in totals.text
    assert f'id="left-open-{old.pk}" hx-swap-oob="true">10.00<' in totals.text
    unreadable = client.post(TOTALS, data | {f"apply_{new.pk}": "fifty"}, **HTMX).text
    assert "is not a number" in unreadable and footer(unreadable, "applied") == "90.00"


def test_the_clerk_adjusts_the_proposal_and_saves(client, make_user, customer, invoices):
    old, new = invoices
    login(client, make_user)
    # proposed: 100.00 to the old invoice, 20.00 to the new one; the clerk puts 70 + 50
    data = entry(customer, "120.00", reference="transfer 4711") | {
        f"apply_{old.pk}": "70.00",
        f"apply_{new.pk}": "50",
    }
    response = client.post(NEW, data, follow=True)
    payment = Payment.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(payment)
    assert {a.invoice_id: a.amount for a in payment.allocations.all()} == {
        old.pk: D("70.00"),
        new.pk: D("50.00"),
    }
    assert (payment.amount, payment.unapplied_amount, payment.reference) == (
        D("120.00"),
        D("0"),
        "transfer 4711",
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.balance, old.status) == (D("30.00"), "partially_paid")
    assert (new.balance, new.status) == (D("0.00"), "paid")
    assert f"{payment.number} recorded: 120.00 EUR from ACME; 120.00 applied to 2 invoices" in response.text
    assert_books_in_step()


def test_inputs_left_empty_keep_the_rest_as_unapplied_cash(client, make_user, customer, invoices):
    old, new = invoices
    login(client, make_user)
    response = client.post(NEW, entry(customer, "40.00") | {f"apply_{old.pk}": "", f"apply_{new.pk}": "0"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount_applied, payment.unapplied_amount) == (D("0"), D("40.00"))
    assert not payment.allocations.exists()
    assert_books_in_step()


def test_saving_before_the_proposal_came_back_shows_it_instead(client, make_user, customer, invoices):
    old, new = invoices
    login(client, make_user)
    # the basis says the inputs were proposed for 50.00, but the clerk typed 120.00 meanwhile
    data = entry(customer, "120.00", basis=f"{customer.pk}|50.00|") | {f"apply_{old.pk}": "50.00"}
    page = client.post(NEW, data)
    assert page.status_code == 200 and not Payment.objects.exists()
    assert "Check it, then save again" in page.text
    form = page.context["form"]
    assert form.data[f"apply_{old.pk}"] == "100.00" and form.data[f"apply_{new.pk}"] == "20.00"
    # saving again takes the proposal now shown
    again = client.post(NEW, form.data.dict())
    assert again.status_code == 302
    assert Payment.objects.get().amount_applied == D("120.00")


def test_a_repeated_payment_needs_the_clerks_confirmation(client, make_user, customer, invoices):
    old, _ = invoices
    first = pay(customer, "25.00", reference="BANK 991")
    login(client, make_user)
    data = entry(customer, "25.00", reference="BANK 991") | {f"apply_{old.pk}": "25.00"}
    refused = client.post(NEW, data)
    assert refused.status_code == 200
    assert Payment.objects.count() == 1
    assert refused.context["form"].duplicate_refused
    assert f"{first.number} already records 25.00" in refused.text
    assert "Record it anyway" in refused.text and 'name="confirm_duplicate"' in refused.text
    # the inputs are kept as typed
    assert refused.context["form"][f"apply_{old.pk}"].value() == "25.00"
    confirmed = client.post(NEW, data | {"confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Payment.objects.count() == 2
    second = Payment.objects.exclude(pk=first.pk).get()
    assert second.allocations.get().amount == D("25.00")
    assert_books_in_step()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "abc"}, "amount", "Enter an amount like 1250.00."),
        ({"amount": "12.345"}, "amount", "at most two decimals"),
        ({"amount": "-5"}, "amount", "must be positive"),
        ({"amount": ""}, "amount", "Enter the amount received."),
        ({"customer": ""}, "customer", "Pick the customer who paid."),
        ({"received_on": "2199-01-01"}, "received_on", "cannot be received in the future"),
        ({"received_on": "2999-01-01"}, "received_on", "Enter a date between 1900 and 2200."),
        ({"received_on": "31.02.2026"}, "received_on", "Enter a date"),
        ({"received_on": "1900-01-01"}, "received_on", "the books start on 2000-01-01"),  # issue 11
        ({"received_on": "0001-01-01"}, "received_on", "between 1900 and 2200"),
        ({"method": "bitcoin"}, "method", "Select a valid choice"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(
    client, make_user, customer, invoices, changes, field, message
):
    login(client, make_user)
    response = client.post(NEW, entry(customer, "10.00") | changes)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Payment.objects.exists()


def test_allocations_beyond_a_balance_or_the_amount_are_refused(client, make_user, customer, invoices):
    old, new = invoices
    login(client, make_user)
    beyond_balance = client.post(NEW, entry(customer, "200.00") | {f"apply_{new.pk}": "60.00"})
    assert beyond_balance.context["form"].errors[f"apply_{new.pk}"] == [
        f"Only 50.00 is open on {new.number}."
    ]
    beyond_amount = client.post(NEW, entry(customer, "30.00") | {f"apply_{old.pk}": "40.00"})
    assert "40.00 is applied but the payment is only 30.00." in beyond_amount.text
    negative = client.post(NEW, entry(customer, "30.00") | {f"apply_{old.pk}": "-1"})
    assert negative.context["form"].errors[f"apply_{old.pk}"]
    assert not Payment.objects.exists()


def test_an_invoice_paid_meanwhile_is_named_by_the_service(client, make_user, customer, invoices):
    _, new = invoices
    login(client, make_user)
    data = entry(customer, "50.00", reference="late") | {f"apply_{new.pk}": "50.00"}
    pay(customer, "50.00", allocations=[AllocationInput(invoice_id=new.pk, amount=D("50.00"))])
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert f"exceeds the 0.00 open on {new.number}" in response.text
    assert Payment.objects.count() == 1


def test_an_invoice_of_another_customer_is_refused(client, make_user, customer, invoices):
    other = an_invoice(a_customer(code="OTHER"), "10.00")
    login(client, make_user)
    response = client.post(NEW, entry(customer, "10.00") | {f"apply_{other.pk}": "10.00"})
    assert response.status_code == 200
    assert f"invoice {other.pk} is not an invoice of ACME" in response.text
    assert not Payment.objects.exists()


def test_amounts_are_read_as_clerks_type_them(client, make_user, customer, invoices):
    old, _ = invoices
    login(client, make_user)
    response = client.post(
        NEW, entry(customer, "1250.50") | {"amount": "1 250,50", f"apply_{old.pk}": "100,00"}
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.amount_applied) == (D("1250.50"), D("100.00"))
