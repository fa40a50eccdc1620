"""In Chromium: the customer opens an invoice's pay-now link, pays through the test provider and
sees the invoice settled; a portal quotation is accepted with its button. Both are POST forms on
pages reached by a token, whose referrer policy must still let the browser send an Origin that
Django's CSRF check accepts."""

import pytest
from playwright.sync_api import Page, expect

from o2c.paylinks import pay_path
from quotations import services as quotation_services
from receivables.portal.services import portal_link_create
from tests.builders import a_customer, a_product, a_warehouse, an_invoice, line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_pays_an_invoice_from_its_link(page: Page, live_server):
    invoice = an_invoice(a_customer(code="WEB1"), "88.10")
    page.goto(f"{live_server.url}{pay_path(invoice.pk)}")
    expect(page.get_by_test_id("open-amount")).to_have_text("88.10 EUR")
    page.get_by_test_id("pay").click()
    page.get_by_test_id("provider-pay").click()
    expect(page.get_by_test_id("paid")).to_contain_text("Thank you: your payment was received.")
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_a_customer_accepts_a_quotation_in_the_portal(page: Page, live_server):
    customer = a_customer(code="WEB2", credit_limit="10000.00")
    service = a_product(price="120.00", tax_rate="19.00", kind="service", cost="0")
    quotation = quotation_services.quotation_create(
        customer_id=customer.pk, lines=[line(service, "2")], warehouse_id=a_warehouse().pk
    )
    quotation_services.quotation_send(quotation_id=quotation.pk, by=None)
    issued = portal_link_create(customer_id=customer.pk)
    page.goto(f"{live_server.url}/portal/{issued.token}/")
    page.get_by_test_id("portal-accept").click()
    expect(page.locator("body")).not_to_contain_text("CSRF")
    quotation.refresh_from_db()
    assert quotation.status == "accepted" and quotation.order_id is not None
