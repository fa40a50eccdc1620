"""Disputes and write-offs from the browser's side: who may open the pages, opening a dispute on
an invoice, the list of open disputes by age and owner (filters, export, bounded queries),
resolving inline (htmx) or on the dispute's page, and a manager's write-off.

State is built through tests/builders.py and the pipeline, never by writing rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from invoicing.models import CreditNote
from o2c import pipeline
from receivables.models import Dispute, WriteOff
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal

LIST = reverse("receivables:disputes")
HTMX = {"HTTP_HX_REQUEST": "true"}


def new_url(invoice) -> str:
    return f"{reverse('receivables:dispute-new')}?invoice={invoice.pk}"


def write_off_url(invoice) -> str:
    return f"{reverse('receivables:write-off-new')}?invoice={invoice.pk}"


def detail_url(dispute) -> str:
    return reverse("receivables:dispute-detail", args=[dispute.pk])


def resolve_url(dispute) -> str:
    return reverse("receivables:dispute-resolve", args=[dispute.pk])


@pytest.fixture
def finance(make_user):
    user = make_user("finance", "fiona")
    user.first_name, user.last_name = "Fiona", "Ledger"
    user.save()
    return user


@pytest.fixture
def customer():
    return a_customer(code="ACME", name="Acme Trading GmbH")


@pytest.fixture
def invoice(customer):
    return an_invoice(customer, "200.00")


def a_dispute(invoice, amount="50.00", reason="damaged", by=None, owner=None):
    return pipeline.dispute_open(invoice_id=invoice.pk, amount=amount, reason=reason, owner=owner, by=by)


# --- who may open the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sales", "warehouse"])
def test_other_roles_are_refused(client, make_user, role, invoice, finance):
    dispute = a_dispute(invoice, by=finance)
    client.force_login(make_user(role, f"{role}-x"))
    for url in (LIST, new_url(invoice), detail_url(dispute), write_off_url(invoice)):
        assert client.get(url).status_code == 403, url
    assert client.post(resolve_url(dispute), {"outcome": "rejected", "note": "x"}).status_code == 403
    assert client.post(write_off_url(invoice), {"amount": "1.00", "reason": "x"}).status_code == 403
    assert Dispute.objects.get().status == "open" and not WriteOff.objects.exists()


def test_finance_opens_the_dispute_pages_but_not_the_write_off(client, invoice, finance):
    dispute = a_dispute(invoice, by=finance)
    client.force_login(finance)
    for url in (LIST, new_url(invoice), detail_url(dispute)):
        assert client.get(url).status_code == 200, url
    assert client.get(write_off_url(invoice)).status_code == 403
    assert client.post(write_off_url(invoice), {"amount": "1.00", "reason": "x"}).status_code == 403
    assert not WriteOff.objects.exists()


def test_unknown_invoices_and_disputes_are_404(client, finance, make_user):
    client.force_login(finance)
    assert client.get(f"{reverse('receivables:dispute-new')}?invoice=999999").status_code == 404
    assert client.get(f"{reverse('receivables:dispute-new')}?invoice=abc").status_code == 404
    assert client.get(reverse("receivables:dispute-new")).status_code == 404
    assert client.get(reverse("receivables:dispute-detail", args=[999999])).status_code == 404
    client.force_login(make_user("manager", "max"))
    assert client.get(f"{reverse('receivables:write-off-new')}?invoice=999999").status_code == 404


# --- opening a dispute --------------------------------------------------------------------------


def test_a_dispute_defaults_to_the_undisputed_balance_and_to_me(client, invoice, finance):
    a_dispute(invoice, amount="30.00", by=finance)
    client.force_login(finance)
    page = client.get(new_url(invoice))
    form = page.context["form"]
    assert form.initial["amount"] == D("170.00") and form.initial["owner"] == finance.pk
    assert "30.00 already disputed" in page.text


def test_open_a_dispute_through_the_page(client, make_user, invoice, finance):
    colleague = make_user("finance", "frank")
    client.force_login(finance)
    response = client.post(
        new_url(invoice),
        {"amount": "80.00", "reason": "quantity", "note": "2 of 10 missing", "owner": colleague.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("invoicing:detail", args=[invoice.pk])
    dispute = Dispute.objects.get()
    assert (dispute.amount, dispute.reason, dispute.note) == (D("80.00"), "quantity", "2 of 10 missing")
    assert (dispute.owner, dispute.opened_by, dispute.status) == (colleague, finance, "open")
    assert f"Dispute {dispute.pk} opened on {invoice.number} for 80.00 EUR" in response.text
    assert 'data-testid="dispute"' in response.text  # the invoice page lists it
    # no owner chosen: me
    client.post(new_url(invoice), {"amount": "10.00", "reason": "other"})
    assert Dispute.objects.latest("pk").owner == finance
    assert_books_in_step()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "250.00", "reason": "pricing"}, "amount", "Only 200.00 of"),
        ({"amount": "0", "reason": "pricing"}, "amount", "must be positive"),
        ({"amount": "x", "reason": "pricing"}, "amount", "Enter an amount"),
        ({"amount": "10.00", "reason": "bored"}, "reason", "Select a valid choice"),
    ],
)
def test_bad_dispute_input_is_named_and_nothing_is_saved(client, invoice, finance, data, field, message):
    client.force_login(finance)
    response = client.post(new_url(invoice), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Dispute.objects.exists()


def test_a_fully_disputed_or_settled_invoice_cannot_be_disputed_again(client, customer, invoice, finance):
    a_dispute(invoice, amount="200.00", by=finance)
    client.force_login(finance)
    response = client.get(new_url(invoice), follow=True)
    assert "all of its 200.00 is already disputed" in response.text
    assert response.redirect_chain[-1][0] == reverse("invoicing:detail", args=[invoice.pk])
    paid = an_invoice(customer, "10.00")
    pipeline.payment_record(
        customer_id=customer.pk, amount="10.00", reference=paid.number, received_on=timezone.localdate()
    )
    assert "it is settled" in client.get(new_url(paid), follow=True).text


# --- the list -----------------------------------------------------------------------------------


@pytest.fixture
def disputes(customer, finance, make_user):
    colleague = make_user("finance", "frank")
    other = a_customer(code="ZETA", name="Zeta Hotels")
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        oldest = a_dispute(an_invoice(customer, "100.00"), amount="40.00", reason="pricing", by=finance)
    middle = a_dispute(an_invoice(other, "100.00"), amount="60.00", reason="damaged", by=colleague)
    newest = a_dispute(an_invoice(customer, "100.00"), amount="10.00", reason="quality", by=finance)
    closed = a_dispute(an_invoice(other, "100.00"), amount="5.00", reason="other", by=finance)
    pipeline.dispute_resolve(dispute_id=closed.pk, outcome="withdrawn", note="dropped", by=finance)
    return {"oldest": oldest, "middle": middle, "newest": newest, "closed": closed}


def ids(response) -> list[int]:
    return [dispute.pk for dispute in response.context["disputes"]]


def test_the_list_shows_open_disputes_by_age_with_filters(client, finance, disputes):
    client.force_login(finance)
    page = client.get(LIST)
    assert ids(page) == [disputes["oldest"].pk, disputes["middle"].pk, disputes["newest"].pk]
    assert [d.days_open for d in page.context["disputes"]] == [20, 0, 0]
    assert "Fiona Ledger" in page.text and "frank" in page.text
    assert ids(client.get(LIST, {"mine": "on"})) == [disputes["oldest"].pk, disputes["newest"].pk]
    assert ids(client.get(LIST, {"status": "withdrawn"})) == [disputes["closed"].pk]
    assert len(ids(client.get(LIST, {"status": ""}))) == 4
    assert ids(client.get(LIST, {"reason": "damaged"})) == [disputes["middle"].pk]
    assert ids(client.get(LIST, {"customer": "zeta"})) == [disputes["middle"].pk]
    assert ids(client.get(LIST, {"sort": "amount"}))[0] == disputes["middle"].pk
    assert client.get(LIST, {"status": "nonsense"}).status_code == 200


def test_the_list_exports_csv(client, finance, disputes):
    client.force_login(finance)
    export = client.get(LIST, {"format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [int(row["id"]) for row in rows] == [
        disputes["oldest"].pk,
        disputes["middle"].pk,
        disputes["newest"].pk,
    ]
    first = rows[0]
    assert (first["days_open"], first["owner"], first["customer_code"], first["amount"]) == (
        "20",
        "Fiona Ledger",
        "ACME",
        "40.00",
    )
    assert first["invoice"] == disputes["oldest"].invoice.number and first["reason"] == "pricing"
    everything = client.get(LIST, {"export": "csv", "status": ""})
    assert len(b"".join(everything.streaming_content).decode().splitlines()) == 5


def test_the_list_runs_a_bounded_number_of_queries(
    client, finance, customer, disputes, django_assert_max_num_queries
):
    client.force_login(finance)
    client.get(LIST)
    with django_assert_max_num_queries(8) as few:
        client.get(LIST)
    for _ in range(6):
        a_dispute(an_invoice(customer, "20.00"), amount="5.00", by=finance)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST)
    assert len(page.context["disputes"]) == 9
    with django_assert_max_num_queries(len(few.captured_queries)):
        export = client.get(LIST, {"format": "csv"})
        assert len(b"".join(export.streaming_content).decode().splitlines()) == 10


# --- resolving ----------------------------------------------------------------------------------


def test_resolve_inline_by_credit_note(client, finance, invoice):
    dispute = a_dispute(invoice, amount="50.00", by=finance)
    client.force_login(finance)
    row = client.post(resolve_url(dispute), {"outcome": "credit_note", "note": "scratched"}, **HTMX)
    assert row.status_code == 200 and 'data-testid="dispute-done"' in row.text
    dispute.refresh_from_db()
    invoice.refresh_from_db()
    note = CreditNote.objects.get()
    assert (dispute.status, dispute.credit_note, dispute.resolved_by) == ("credited", note, finance)
    assert note.total == D("50.00") and invoice.balance == D("150.00")
    assert f"credit note {note.number} for 50.00 EUR" in row.text
    assert_books_in_step()


def test_resolve_inline_needs_a_note_and_answers_with_the_row(client, finance, invoice):
    dispute = a_dispute(invoice, by=finance)
    client.force_login(finance)
    row = client.post(resolve_url(dispute), {"outcome": "rejected", "note": ""}, **HTMX)
    assert row.status_code == 200
    assert 'data-testid="resolve-error"' in row.text and "Write a note on the resolution." in row.text
    assert row.text.strip().startswith(f'<tr id="dispute-{dispute.pk}"')
    dispute.refresh_from_db()
    assert dispute.status == "open"


def test_resolve_on_the_dispute_page(client, finance, invoice):
    dispute = a_dispute(invoice, by=finance)
    client.force_login(finance)
    page = client.get(detail_url(dispute))
    assert 'data-testid="resolve-form"' in page.text
    bad = client.post(resolve_url(dispute), {"outcome": "sulked", "note": "x"})
    assert bad.status_code == 200 and bad.context["form"].errors["outcome"]
    done = client.post(
        resolve_url(dispute), {"outcome": "withdrawn", "note": "customer found the box"}, follow=True
    )
    assert done.redirect_chain[-1][0] == detail_url(dispute)
    assert f"Dispute {dispute.pk} on {invoice.number} withdrawn." in done.text
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolution_note) == ("withdrawn", "customer found the box")
    assert done.context["form"] is None  # nothing left to resolve
    # resolving it again is refused with a message, not a 500
    again = client.post(resolve_url(dispute), {"outcome": "rejected", "note": "again"})
    assert again.status_code == 200 and "is already withdrawn" in again.text


def test_resolve_from_the_list_without_script_returns_to_the_list(client, finance, invoice):
    dispute = a_dispute(invoice, by=finance)
    client.force_login(finance)
    response = client.post(
        resolve_url(dispute), {"outcome": "rejected", "note": "we delivered", "next": f"{LIST}?mine=on"}
    )
    assert response.status_code == 302 and response["Location"] == f"{LIST}?mine=on"
    evil = client.post(
        resolve_url(a_dispute(invoice, amount="1.00", by=finance)),
        {"outcome": "rejected", "note": "x", "next": "https://evil.example/"},
    )
    assert evil["Location"].startswith("/cash/disputes/")


# --- write-offs ---------------------------------------------------------------------------------


def test_a_manager_writes_off_through_the_page(client, make_user, invoice):
    manager = make_user("manager", "max")
    client.force_login(manager)
    page = client.get(write_off_url(invoice))
    assert page.status_code == 200 and page.context["form"].initial["amount"] == D("200.00")
    over = client.post(write_off_url(invoice), {"amount": "200.01", "reason": "insolvent"})
    assert over.status_code == 200 and "Only 200.00 is open" in over.text
    no_reason = client.post(write_off_url(invoice), {"amount": "20.00", "reason": ""})
    assert "Give the reason for the write-off." in no_reason.text
    assert not WriteOff.objects.exists()
    done = client.post(write_off_url(invoice), {"amount": "200.00", "reason": "insolvent"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("invoicing:detail", args=[invoice.pk])
    assert f"200.00 EUR of {invoice.number} written off to bad debt." in done.text
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_written_off) == (
        "written_off",
        D("0.00"),
        D("200.00"),
    )
    assert WriteOff.objects.get().created_by == manager
    # nothing open any more: the page says so
    assert "there is nothing to write off" in client.get(write_off_url(invoice), follow=True).text
    assert_books_in_step()


@pytest.mark.parametrize("role", ["warehouse", "sales"])
def test_the_page_refuses_a_warehouse_or_sales_owner(client, make_user, invoice, finance, role):
    outsider = make_user(role, f"{role}-owner")
    client.force_login(finance)
    response = client.post(new_url(invoice), {"amount": "10.00", "reason": "other", "owner": outsider.pk})
    assert response.status_code == 200 and "owner" in response.context["form"].errors
    assert not Dispute.objects.exists()


def test_the_service_refuses_a_warehouse_owner_naming_the_field(make_user, invoice, finance):
    from o2c.errors import DomainError

    with pytest.raises(DomainError) as refused:
        a_dispute(invoice, by=finance, owner=make_user("warehouse", "wendy"))
    assert (refused.value.field, refused.value.code) == ("owner", "owner_not_finance")
    assert not Dispute.objects.exists()
