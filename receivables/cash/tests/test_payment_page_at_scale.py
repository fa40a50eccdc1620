"""The payment pages of a customer with many open invoices (issue 14, decision 0069): the oldest
due are listed with every invoice the proposal or the clerk put an amount on; the rest is counted
under the table; the proposal still spreads over all of them; the statements do not grow with
the number of open invoices."""

from __future__ import annotations

import pytest

from receivables.cash.tests.pages import HTMX, NEW, PROPOSAL, D, detail_url, entry, login, pay, value_of
from receivables.cash.views import payments as payment_views
from receivables.models import Payment
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_open(monkeypatch):
    """A customer with six open invoices of 10.00, 20.00 … 60.00 (oldest due first: all issued
    today, so by id), and a page listing the first two."""
    monkeypatch.setattr(payment_views, "SHOWN_ROWS", 2)
    customer = a_customer(code="MANY", name="Many Invoices AG", credit_limit=None)
    return customer, [an_invoice(customer, f"{10 * k}.00") for k in range(1, 7)]


def _listed(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('id="invoice-')[1:]]


def test_the_entry_page_lists_the_oldest_due_and_counts_the_rest(client, make_user, six_open):
    customer, invoices = six_open
    login(client, make_user)
    html = client.get(f"{NEW}?customer={customer.pk}").content.decode()
    assert _listed(html) == [str(invoices[0].pk), str(invoices[1].pk)]
    assert 'data-testid="not-shown"' in html and "4 more open invoices due later (180.00)" in html
    assert 'data-testid="open-balance">210.00<' in html  # the position: every open invoice


def test_the_proposal_lists_every_invoice_it_applies_to_and_the_named_one(client, make_user, six_open):
    customer, invoices = six_open
    login(client, make_user)
    # 65.00: 10 + 20 + 30 in full and 5.00 of the fourth: four rows listed, two counted
    html = client.post(PROPOSAL, entry(customer, "65.00"), **HTMX).content.decode()
    assert _listed(html) == [str(invoice.pk) for invoice in invoices[:4]]
    assert [value_of(html, f"apply_{invoice.pk}") for invoice in invoices[:4]] == [
        "10.00",
        "20.00",
        "30.00",
        "5.00",
    ]
    assert "2 more open invoices due later (110.00)" in html
    # the last invoice named in the reference comes first, and is listed
    html = client.post(PROPOSAL, entry(customer, "60.00", invoices[5].number), **HTMX).content.decode()
    assert value_of(html, f"apply_{invoices[5].pk}") == "60.00"
    assert _listed(html) == [str(invoices[0].pk), str(invoices[1].pk), str(invoices[5].pk)]


def test_saving_applies_amounts_typed_beyond_the_listed_rows(client, make_user, six_open):
    customer, invoices = six_open
    login(client, make_user)
    data = entry(
        customer, "65.00", **{f"apply_{invoices[4].pk}": "50.00", f"apply_{invoices[0].pk}": "15.00"}
    )
    response = client.post(NEW, data)
    assert response.status_code == 200  # 15.00 is more than the 10.00 open on the first
    assert "Only 10.00 is open on" in response.content.decode()
    data[f"apply_{invoices[0].pk}"] = "10.00"
    response = client.post(NEW, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    payment = Payment.objects.get()
    assert {a.invoice_id: a.amount for a in payment.allocations.all()} == {
        invoices[4].pk: D("50.00"),
        invoices[0].pk: D("10.00"),
    }
    assert payment.unapplied_amount == D("5.00")


def test_the_payment_detail_proposes_over_every_open_invoice(client, make_user, six_open):
    customer, _ = six_open
    login(client, make_user)
    payment = pay(customer, "35.00", allocations=[])  # all unapplied
    html = client.get(detail_url(payment)).content.decode()
    assert 'value="10.00"' in html and 'value="20.00"' in html and 'value="5.00"' in html
    assert "3 more open invoices due later (150.00)" in html


@pytest.mark.parametrize("count", [3, 12])
def test_the_entry_pages_statements_do_not_grow_with_open_invoices(
    client, make_user, monkeypatch, django_assert_max_num_queries, count
):
    monkeypatch.setattr(payment_views, "SHOWN_ROWS", 2)
    customer = a_customer(code=f"N{count}", name="Counted", credit_limit=None)
    for _ in range(count):
        an_invoice(customer, "10.00")
    login(client, make_user)
    with django_assert_max_num_queries(9):
        assert client.get(f"{NEW}?customer={customer.pk}").status_code == 200
    with django_assert_max_num_queries(9):
        assert client.post(PROPOSAL, entry(customer, "100.00"), **HTMX).status_code == 200
