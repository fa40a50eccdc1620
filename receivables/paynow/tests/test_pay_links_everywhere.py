"""The signed pay-now link (decision 0060) on every document the customer gets (decision 0066): the
invoice e-mail and PDF, the dunning e-mail and letter, the statement PDF and the portal. Each link
found is opened: it leads to that invoice's payment page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from invoicing.documents import invoice_pdf_render
from o2c import pipeline
from o2c.outbox import outbox_relay
from receivables.collections.tests.clock import on_day
from receivables.dunning import services as dunning_services
from receivables.paynow.tests.links import invoices_of, links_in_pdf, links_in_text, opens_pay_page
from receivables.portal.services import portal_link_create
from receivables.statements.documents import statement_attachment
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def late():
    """A customer with an invoice 10 days overdue (terms: due on issue)."""
    customer = a_customer(code="PAYME", payment_terms_days=0)
    with on_day(-10):
        invoice = an_invoice(customer, "250.00")
    return customer, invoice


def test_the_invoice_email_and_pdf_carry_the_link(late):
    _, invoice = late
    outbox_relay()
    [email] = [email for email in mail.outbox if invoice.number in email.subject]
    [link] = links_in_text(email.body)
    assert link.startswith("http://localhost:8000/pay/") and invoices_of([link]) == [invoice.pk]
    assert opens_pay_page(link, invoice.number)
    invoice.refresh_from_db()
    in_pdf = links_in_pdf(invoice_pdf_render(invoice=invoice))
    assert invoices_of(in_pdf) == [invoice.pk] and opens_pay_page(in_pdf[0], invoice.number)


def test_the_dunning_email_letter_and_statement_carry_the_link(late):
    _, invoice = late
    outbox_relay()
    mail.outbox.clear()
    run = dunning_services.dunning_run(by=None)
    assert run.notices_sent == 1
    assert outbox_relay() == 1
    [email] = mail.outbox
    [(_, letter, _), (statement_name, statement, _)] = email.attachments
    assert statement_name == f"statement-PAYME-{run.as_of.isoformat()}.pdf"
    for links in (links_in_text(email.body), links_in_pdf(letter), links_in_pdf(statement)):
        assert invoices_of(links) == [invoice.pk]
        assert opens_pay_page(links[0], invoice.number)


def test_the_statement_pdf_links_each_open_invoice_not_a_wholly_disputed_one(late, make_user):
    customer, invoice = late
    second = an_invoice(customer, "80.00")
    disputed = an_invoice(customer, "40.00")
    pipeline.dispute_open(invoice_id=disputed.pk, amount="40.00", reason="damaged", by=make_user("finance"))
    _, pdf = statement_attachment(customer=customer, as_of=timezone.localdate())
    links = links_in_pdf(pdf)
    assert invoices_of(links) == [invoice.pk, second.pk]
    assert all(opens_pay_page(link, number) for link, number in zip(links, [invoice.number, second.number]))


def test_the_portal_has_a_pay_now_button_per_invoice(late):
    customer, invoice = late
    issued = portal_link_create(customer_id=customer.pk)
    page = Client().get(reverse("portal:overview", args=[issued.token]))
    assert page.status_code == 200
    [link] = links_in_text(page.content.decode())
    assert link.startswith("/pay/") and invoices_of([link]) == [invoice.pk]
    assert opens_pay_page(link, invoice.number)
