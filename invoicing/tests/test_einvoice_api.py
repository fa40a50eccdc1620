"""E-invoices through the API and the e-mail (decision 0058): `xml/?format=ubl|cii` on invoices and
credit notes, the customer's Peppol id and preferred format, and what the invoice e-mail attaches."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from lxml import etree

from customers.einvoice import peppol_id_clean
from invoicing.tests.test_documents import shipped_invoice
from invoicing.tests.test_einvoice import UBL, credit_one_machine, texts
from o2c.errors import DomainError
from o2c.outbox import outbox_relay

pytestmark = pytest.mark.django_db


def root_name(content: bytes) -> str:
    return etree.QName(etree.fromstring(content)).localname


def test_the_xml_of_an_invoice_and_a_credit_note_by_format_role_and_id(api_client_for):
    invoice = shipped_invoice()
    note = credit_one_machine(invoice)
    client = api_client_for("warehouse")

    response = client.get(f"/api/v1/invoices/{invoice.pk}/xml/?format=ubl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert f"{invoice.number}-ubl.xml" in response["Content-Disposition"]
    assert root_name(response.content) == "Invoice"
    assert root_name(client.get(f"/api/v1/invoices/{invoice.pk}/xml/").content) == "Invoice"  # ubl by default
    assert (
        root_name(client.get(f"/api/v1/invoices/{invoice.pk}/xml/?format=cii").content)
        == "CrossIndustryInvoice"
    )
    assert root_name(client.get(f"/api/v1/credit-notes/{note.pk}/xml/?format=ubl").content) == "CreditNote"

    bad = client.get(f"/api/v1/invoices/{invoice.pk}/xml/?format=pdf")
    assert bad.status_code == 400
    assert bad.json()["format"]
    assert client.get("/api/v1/invoices/999999/xml/?format=ubl").status_code == 404
    assert client.get("/api/v1/credit-notes/999999/xml/").status_code == 404
    assert api_client_for(None).get(f"/api/v1/invoices/{invoice.pk}/xml/").status_code == 403

    # the invoice page links it, and the browser session opens it
    browser = Client()
    browser.force_login(client.user)
    assert (
        f"/api/v1/invoices/{invoice.pk}/xml/?format=ubl"
        in browser.get(f"/invoices/{invoice.pk}/").content.decode()
    )
    assert browser.get(f"/api/v1/invoices/{invoice.pk}/xml/?format=ubl").status_code == 200


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0088:4035811991021", "0088:4035811991021"),  # a GLN with its check digit
        (" 9930:de811907980 ", "9930:DE811907980"),  # a German VAT number, canonical
        ("0208:0123456749", "0208:0123456749"),
        ("", ""),
    ],
)
def test_a_peppol_participant_id_is_scheme_and_identifier(given, stored):
    assert peppol_id_clean(peppol_id=given) == stored


@pytest.mark.parametrize("given", ["4035811991021", "0088:4035811991022", "1234:ABC", "9930:", "0208:12AB"])
def test_a_malformed_peppol_participant_id_is_refused_naming_the_field(given):
    with pytest.raises(DomainError) as refused:
        peppol_id_clean(peppol_id=given)
    assert refused.value.field == "peppol_id"


def test_the_customer_api_takes_the_electronic_address_and_the_format(api_client_for):
    client = api_client_for("sales")
    body = {"code": "C-EINV", "name": "Peppol Buyer BV", "email": "ap@buyer.example", "country": "nl",
            "peppol_id": "0088:4035811991021", "invoice_format": "ubl"}  # fmt: skip
    created = client.post("/api/v1/customers/", body, format="json")
    assert created.status_code == 201, created.json()
    assert {key: created.json()[key] for key in ("country", "peppol_id", "invoice_format")} == {
        "country": "NL", "peppol_id": "0088:4035811991021", "invoice_format": "ubl"}  # fmt: skip

    refused = client.patch(
        f"/api/v1/customers/{created.json()['id']}/", {"peppol_id": "0088:123"}, format="json"
    )
    assert refused.status_code == 400
    assert "peppol_id" in refused.json()
    refused = client.patch(
        f"/api/v1/customers/{created.json()['id']}/", {"invoice_format": "edi"}, format="json"
    )
    assert refused.status_code == 400
    assert "invoice_format" in refused.json()


def test_the_invoice_email_attaches_the_ubl_for_a_customer_who_prefers_it(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    invoice = shipped_invoice()
    customer = invoice.customer
    customer.invoice_format, customer.peppol_id = "ubl", "0088:4035811991021"
    customer.save(update_fields=["invoice_format", "peppol_id"])

    outbox_relay()

    [email] = mail.outbox
    [(pdf_name, _, pdf_type), (xml_name, xml, xml_type)] = email.attachments
    assert (pdf_name, pdf_type, xml_name, xml_type) == (
        f"{invoice.number}.pdf", "application/pdf", f"{invoice.number}.xml", "application/xml")  # fmt: skip
    assert root_name(xml) == "Invoice"
    assert texts(xml, "//cac:AccountingCustomerParty//cbc:EndpointID/text()", UBL) == ["4035811991021"]
    assert "Peppol BIS Billing 3.0 UBL" in email.body


def test_the_customer_page_edits_the_electronic_address(make_user):
    from tests.builders import a_customer

    customer = a_customer(name="Page Buyer")
    client = Client()
    client.force_login(make_user("sales", "seller"))
    page = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'name="peppol_id"' in page and 'name="invoice_format"' in page
    form = {"code": customer.code, "name": customer.name, "email": customer.email, "currency": "EUR",
            "payment_terms_days": "30", "shipping_address": customer.shipping_address, "credit_limit": "0.00"}  # fmt: skip

    refused = client.post(f"/customers/{customer.pk}/edit/", {**form, "peppol_id": "0088:123"})
    assert refused.status_code == 200
    assert "a GLN (0088) has 13 digits" in refused.content.decode()

    saved = client.post(
        f"/customers/{customer.pk}/edit/",
        {**form, "country": "de", "peppol_id": "9930:de811907980", "invoice_format": "facturx"},
    )
    assert saved.status_code == 302
    customer.refresh_from_db()
    assert (customer.country, customer.peppol_id, customer.invoice_format) == (
        "DE",
        "9930:DE811907980",
        "facturx",
    )
    assert "9930:DE811907980" in client.get(f"/customers/{customer.pk}/").content.decode()
