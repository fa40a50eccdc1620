"""A document in a currency with no rate for its date: a 400 naming the missing rate in the API
and on the pages, nothing written; the exchange rates page (decision 0062)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ledger.models import ExchangeRate
from ledger.rates.services import exchange_rate_set
from o2c.roles import FINANCE, SALES
from orders.models import SalesOrder
from orders.tests.pages import NEW, entry_data
from receivables.models import Payment
from tests.builders import a_customer, a_product, a_warehouse

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_api_refuses_an_order_and_a_payment_without_a_rate(api_client_for):
    customer = a_customer(currency="CHF", credit_limit=None)
    product = a_product(kind="service", cost="0")
    a_warehouse()
    sales = api_client_for(SALES)
    body = {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": "1"}]}
    answer = sales.post("/api/v1/orders/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert "no exchange rate CHF/EUR is recorded for" in str(answer.json()["currency"])
    assert answer.json()["code"] == "no_exchange_rate"
    finance = api_client_for(FINANCE)
    today = (timezone.localdate() - timedelta(days=1)).isoformat()
    answer = finance.post(
        "/api/v1/payments/", {"customer": customer.pk, "amount": "10.00", "received_on": today}, format="json"
    )
    assert answer.status_code == 400 and "CHF/EUR" in str(answer.json()["currency"]), answer.json()
    assert not SalesOrder.objects.exists() and not Payment.objects.exists()
    exchange_rate_set(currency="CHF", rate="0.9350", valid_on=timezone.localdate() - timedelta(days=2))
    answer = sales.post("/api/v1/orders/", body, format="json")
    assert answer.status_code == 201 and SalesOrder.objects.get().exchange_rate == D("0.93500000")


def test_the_order_page_refuses_it_too(client, make_user):
    customer = a_customer(currency="GBP", credit_limit=None)
    product = a_product(price="10.00")
    warehouse = a_warehouse()
    client.force_login(make_user(SALES))
    answer = client.post(NEW, entry_data(customer, warehouse, (product.pk, "1", "", "")))
    assert "no exchange rate GBP/EUR is recorded for" in answer.content.decode()
    assert not SalesOrder.objects.exists()


def test_the_rates_page_lists_enters_uploads_and_exports(client, make_user):
    client.force_login(make_user(FINANCE))
    url = reverse("ledger:exchange-rates")
    saved = client.post(
        url, {"action": "rate", "rate-currency": "usd", "rate-rate": "1.0825", "rate-valid_on": "2026-11-30"}
    )
    assert saved.status_code == 302
    assert ExchangeRate.objects.get(currency="USD").rate == D("1.08250000")
    refused = client.post(
        url, {"action": "rate", "rate-currency": "USD", "rate-rate": "-1", "rate-valid_on": "2026-11-30"}
    )
    assert refused.status_code == 400 and ExchangeRate.objects.count() == 1
    refused = client.post(
        url, {"action": "rate", "rate-currency": "XYZ", "rate-rate": "1", "rate-valid_on": "2026-11-30"}
    )
    assert refused.status_code == 400 and "is not an ISO 4217 currency" in refused.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    ecb = SimpleUploadedFile("eurofxref.csv", b"Date, USD, CHF, \n04 December 2026, 1.0530, 0.9350, \n")
    uploaded = client.post(url, {"action": "ecb", "ecb-file": ecb})
    assert uploaded.status_code == 302 and ExchangeRate.objects.count() == 3
    page = client.get(url)
    assert page.status_code == 200 and "1.08250000" in page.content.decode()
    csv = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode()
    assert "USD" in csv and "0.93500000" in csv
    assert client.get(url, {"currency": "chf"}).content.decode().count("0.93500000") == 1


def test_the_invoice_page_and_api_show_the_rate_and_the_base_amounts(client, make_user, api_client_for):
    from receivables.cash.tests.test_foreign_currency import usd_invoice

    _, invoice = usd_invoice()
    client.force_login(make_user(FINANCE, "finance-page"))
    page = client.get(reverse("invoicing:detail", args=[invoice.pk])).content.decode()
    assert "at 1.1 per base unit: total 1,081.82, open 1,081.82" in page
    body = api_client_for(FINANCE).get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (body["exchange_rate"], body["total_base"], body["balance_base"]) == (
        "1.10000000",
        "1081.82",
        "1081.82",
    )


def test_the_invoice_pdf_states_the_rate_and_the_vat_in_the_base_currency():
    """190.00 USD of VAT at 1.10: 172.73 EUR (VAT Directive art. 230)."""
    from io import BytesIO

    from pypdf import PdfReader

    from invoicing.documents import invoice_pdf_render
    from receivables.cash.tests.test_foreign_currency import usd_invoice

    _, invoice = usd_invoice()
    text = " ".join(
        page.extract_text() for page in PdfReader(BytesIO(invoice_pdf_render(invoice=invoice))).pages
    )
    assert "1 EUR = 1.1 USD" in text
    assert "VAT in EUR" in text and "172.73" in text


@pytest.mark.parametrize(
    "rate", ["", "abc", "١٫٥", "1.5\x00", "0", "1e400", "=1+1", "12345678901.5", "1.123456789"]
)
def test_the_rates_form_refuses_odd_rates_with_a_400(client, make_user, rate):
    client.force_login(make_user(FINANCE))
    answer = client.post(
        reverse("ledger:exchange-rates"),
        {"action": "rate", "rate-currency": "USD", "rate-rate": rate, "rate-valid_on": "2026-11-30"},
    )
    assert answer.status_code == 400
    assert not ExchangeRate.objects.exists()


def test_the_rates_page_takes_a_fixed_number_of_queries(client, make_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user(FINANCE))
    url = reverse("ledger:exchange-rates")
    exchange_rate_set(currency="USD", rate="1.05", valid_on=timezone.localdate())
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for day in range(1, 30):
        exchange_rate_set(currency="CHF", rate="0.93", valid_on=timezone.localdate() - timedelta(days=day))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
