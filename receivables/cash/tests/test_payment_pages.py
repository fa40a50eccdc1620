"""The finance clerk's payment pages, from the browser's side: the list with its filters and
export, one payment's actions, and the invoice page's cash section.

State is built through tests/builders.py and the pipeline, never by writing rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from o2c import pipeline
from receivables.cash.tests.pages import (
    LIST,
    NEW,
    D,
    detail_url,
    login,
    pay,
)
from receivables.models import Payment
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def payments(customer, invoices):
    old, _ = invoices
    other = a_customer(code="ZETA", name="Zeta Hotels")
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "applied": pay(customer, "100.00", reference=f"INV {old.number}"),
        "unapplied": pay(customer, "80.00", reference="advance", allocations=[]),
        "old": pay(other, "5.00", reference="small", received_on=yesterday),
    }


def numbers(response) -> list[str]:
    return [payment.number for payment in response.context["page"]]


def test_the_list_filters_sorts_and_pages(client, make_user, payments):
    login(client, make_user)
    everything = client.get(LIST)
    assert everything.status_code == 200
    assert set(numbers(everything)) == {p.number for p in payments.values()}
    unapplied = {payments["unapplied"].number, payments["old"].number}  # ZETA has no invoice
    assert set(numbers(client.get(LIST, {"unapplied": "on"}))) == unapplied
    assert numbers(client.get(LIST, {"q": "advan"})) == [payments["unapplied"].number]
    assert numbers(client.get(LIST, {"q": payments["old"].number})) == [payments["old"].number]
    assert set(numbers(client.get(LIST, {"customer": "acme"}))) == {
        payments["applied"].number,
        payments["unapplied"].number,
    }
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert numbers(client.get(LIST, {"received_to": yesterday})) == [payments["old"].number]
    assert payments["old"].number not in numbers(client.get(LIST, {"received_from": timezone.localdate()}))
    assert numbers(client.get(LIST, {"sort": "amount"})) == [
        payments["old"].number,
        payments["unapplied"].number,
        payments["applied"].number,
    ]
    assert numbers(client.get(LIST, {"sort": "-amount"}))[0] == payments["applied"].number
    assert client.get(LIST, {"sort": "nonsense"}).status_code == 200
    pipeline.payment_reverse(payment_id=payments["old"].pk, reason="bounced")
    assert numbers(client.get(LIST, {"status": "reversed"})) == [payments["old"].number]


def test_the_list_exports_csv_with_its_filters(client, make_user, payments, invoices):
    login(client, make_user)
    export = client.get(LIST, {"format": "csv", "customer": "acme", "sort": "amount"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:6] == ["number", "received_on", "customer_code", "customer_name", "currency", "amount"]
    assert [row[0] for row in rows[1:]] == [payments["unapplied"].number, payments["applied"].number]
    applied = dict(zip(rows[0], rows[2], strict=True))
    assert applied["invoices"] == f"{invoices[0].number}:100.00"
    assert applied["unapplied_amount"] == "0.00"
    assert client.get(LIST, {"export": "csv"})["Content-Type"].startswith("text/csv")


def test_the_list_runs_a_bounded_number_of_queries(
    client, make_user, customer, django_assert_max_num_queries
):
    login(client, make_user)
    for _ in range(3):
        invoice = an_invoice(customer, "10.00")
        pay(customer, "15.00", reference=invoice.number)
    client.get(LIST)  # warm the session and the roles
    with django_assert_max_num_queries(9) as few:
        client.get(LIST)
    for _ in range(8):
        invoice = an_invoice(customer, "10.00")
        pay(customer, "15.00", reference=invoice.number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST)
    assert len(page.context["page"]) == 11
    with django_assert_max_num_queries(len(few.captured_queries)):
        export = client.get(LIST, {"format": "csv"})
        assert len(b"".join(export.streaming_content).decode().splitlines()) == 12


def test_the_detail_shows_the_allocations_and_only_the_allowed_actions(client, make_user, customer, invoices):
    old, new = invoices
    login(client, make_user)
    applied = pay(customer, "100.00")
    page = client.get(detail_url(applied))
    assert page.context["actions"] == {"apply": False, "refund": False, "reverse": True}
    assert old.number in page.text and 'data-testid="reverse-section"' in page.text
    assert 'data-testid="apply-section"' not in page.text

    with_cash = pay(customer, "30.00", allocations=[])
    page = client.get(detail_url(with_cash))
    assert page.context["actions"] == {"apply": True, "refund": True, "reverse": True}
    # the apply form proposes the unapplied cash: the rest of the old invoice is 0, so the new one
    rows = {row["invoice"].pk: row["field"].value() for row in page.context["apply_rows"]}
    assert rows == {new.pk: "30.00"}

    pipeline.payment_refund(payment_id=with_cash.pk, amount="30.00", reason="asked")
    page = client.get(detail_url(with_cash))
    assert page.context["actions"] == {"apply": False, "refund": False, "reverse": False}
    assert "it can no longer be reversed" in page.text


def test_apply_unapplied_cash_from_the_detail(client, make_user, customer, invoices):
    old, new = invoices
    login(client, make_user)
    payment = pay(customer, "120.00", allocations=[])
    url = reverse("receivables:payment-apply", args=[payment.pk])
    over = client.post(url, {f"apply_{new.pk}": "60.00"})
    assert over.status_code == 200 and over.context["opened"] == "apply"
    assert f"Only 50.00 is open on {new.number}" in over.text
    nothing = client.post(url, {f"apply_{old.pk}": ""})
    assert "Enter an amount to apply to at least one invoice." in nothing.text
    done = client.post(url, {f"apply_{old.pk}": "100.00", f"apply_{new.pk}": "20.00"}, follow=True)
    assert done.redirect_chain[-1][0] == detail_url(payment)
    assert "120.00 EUR of" in done.text
    payment.refresh_from_db()
    old.refresh_from_db()
    assert (payment.unapplied_amount, old.status) == (D("0.00"), "paid")
    assert_books_in_step()


def test_refund_unapplied_cash_from_the_detail(client, make_user, customer):
    login(client, make_user)
    payment = pay(customer, "45.00", allocations=[])
    url = reverse("receivables:payment-refund", args=[payment.pk])
    too_much = client.post(url, {"amount": "50.00", "reason": "paid twice"})
    assert too_much.status_code == 200 and "Only 45.00 of" in too_much.text
    no_reason = client.post(url, {"amount": "5.00", "reason": ""})
    assert "Give the reason for the refund." in no_reason.text
    done = client.post(url, {"amount": "45.00", "reason": "paid twice"})
    assert done.status_code == 302
    payment.refresh_from_db()
    assert (payment.amount_refunded, payment.unapplied_amount) == (D("45.00"), D("0.00"))
    assert_books_in_step()


def test_reverse_a_bounced_payment_from_the_detail(client, make_user, customer, invoices):
    old, _ = invoices
    login(client, make_user)
    payment = pay(customer, "100.00")
    old.refresh_from_db()
    assert old.status == "paid"
    url = reverse("receivables:payment-reverse", args=[payment.pk])
    unconfirmed = client.post(url, {"reason": "returned by the bank"})
    assert unconfirmed.status_code == 200 and "Tick the box to confirm the reversal." in unconfirmed.text
    assert Payment.objects.get().status == "posted"
    done = client.post(url, {"reason": "returned by the bank", "confirm": "on"}, follow=True)
    assert "reversed: its allocations are undone" in done.text
    payment.refresh_from_db()
    old.refresh_from_db()
    assert payment.status == "reversed" and (old.status, old.balance) == ("open", D("100.00"))
    assert 'data-testid="reversed"' in done.text  # the allocation is shown as reversed
    assert done.context["any_action"] is False
    # a second reversal is refused with a message, not a 500
    again = client.post(url, {"reason": "twice", "confirm": "on"}, follow=True)
    assert "cannot be reversed" in again.text
    assert_books_in_step()


def test_an_unknown_payment_is_a_404(client, make_user):
    login(client, make_user)
    assert client.get(reverse("receivables:payment-detail", args=[999999])).status_code == 404
    assert client.post(reverse("receivables:payment-reverse", args=[999999]), {}).status_code == 404


def test_the_invoice_page_shows_its_payments_disputes_and_the_buttons_by_role(
    client, make_user, customer, invoices, django_assert_max_num_queries
):
    old, _ = invoices
    finance = make_user("finance", "fin-invoice")
    first = pay(customer, "30.00", reference=old.number)
    second = pay(customer, "20.00", reference=old.number)
    pipeline.payment_reverse(payment_id=first.pk, reason="bounced")
    pipeline.dispute_open(invoice_id=old.pk, amount="10.00", reason="quantity", by=finance)
    url = reverse("invoicing:detail", args=[old.pk])

    client.force_login(finance)
    page = client.get(url)
    assert [a.payment.number for a in page.context["allocations"]] == [first.number, second.number]
    assert page.text.count('data-testid="allocation-reversed"') == 1
    assert len(page.context["disputes"]) == 1
    for button in ("record-payment", "open-dispute"):
        assert f'data-testid="{button}"' in page.text
    assert 'data-testid="write-off"' not in page.text
    assert f"{NEW}?customer={customer.pk}" in page.text

    client.force_login(make_user("manager", "boss"))
    assert 'data-testid="write-off"' in client.get(url).text

    client.force_login(make_user("sales", "seller"))
    page = client.get(url)
    assert page.status_code == 200
    for button in ("record-payment", "open-dispute", "write-off"):
        assert f'data-testid="{button}"' not in page.text
    assert reverse("receivables:payment-detail", args=[first.pk]) not in page.text
