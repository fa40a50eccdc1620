"""The probes of issue 11 that made pages answer 500, each kept as a test: Unicode digits in ids,
NUL in searches and notes, years 1 and 9999 in report ranges and statements, amounts past every
column, `next` values that are not paths, and customer codes that break download headers.
The page fuzzer (`test_pages.py`) looks for more of the same on every page; these name the
cases found, so a regression says which one came back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from customers.services import customer_create
from o2c.errors import DomainError
from o2c.forms import AmountField, DateField, IdField, QuantityField, id_suffix, param_id, param_text
from o2c.parsing import content_disposition
from receivables.bank import services as bank_services
from receivables.bank.files import CsvMapping
from receivables.dunning.services import as_of_clean
from receivables.models import Payment
from receivables.statements.selectors import statement_period_clean
from reporting.operations.period import period_clean
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


@pytest.fixture
def signed_in(make_user):
    users = {}

    def login(role: str) -> Client:
        client = Client(raise_request_exception=False)
        users[role] = users.get(role) or make_user(role, f"probe-{role}")
        client.force_login(users[role])
        return client

    return login


# ── ids ──────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("value", ["²", "٣", "9" * 30, "-1", "0", "1x"])
def test_an_odd_product_id_on_the_receive_page_is_no_product(signed_in, value):
    product = a_product(sku="REC-1")
    page = signed_in("warehouse").get("/inventory/receive/", {"product": value, "warehouse": value})
    assert page.status_code == 200
    assert page.context["product"] is None
    assert (
        signed_in("warehouse").get(f"/inventory/receive/?product={product.pk}").context["product"] == product
    )


def test_apply_fields_that_name_no_invoice_id_are_left_out_of_the_payment(signed_in):
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    client = signed_in("finance")
    payments_before = Payment.objects.count()
    fields = {
        "customer": str(customer.pk),
        "amount": "40.00",
        "received_on": date.today().isoformat(),
        "method": "bank_transfer",
        f"apply_{invoice.pk}": "40.00",
        "apply_²": "5.00",
        "apply_1x": "5.00",
        f"apply_{'9' * 30}": "5.00",
    }
    for name in ("payment-proposal", "payment-totals", "payment-new"):
        assert client.post(reverse(f"receivables:{name}"), fields).status_code < 500
    assert Payment.objects.count() == payments_before  # the basis was not confirmed: proposal shown


@pytest.mark.parametrize("value", ["²", "a\x00b", "9" * 30])
def test_odd_run_ids_on_the_notice_list_are_ignored(signed_in, value):
    assert signed_in("finance").get("/cash/dunning/notices/", {"run": value}).status_code == 200


def test_an_odd_invoice_id_for_a_new_dispute_is_a_404(signed_in):
    assert signed_in("finance").get("/cash/disputes/new/", {"invoice": "²"}).status_code == 404


def test_alloc_fields_that_name_no_invoice_id_are_left_out_of_a_bank_line(signed_in):
    customer = a_customer(code="BANK-1")
    invoice = an_invoice(customer, "12.50")
    content = f"Date,Amount,Reference,Payer\n{date.today().isoformat()},12.50,{invoice.number},X\n".encode()
    mapping = CsvMapping(date_column="Date", amount_column="Amount", reference_column="Reference")
    statement = bank_services.csv_import(
        file_name="b.csv", content=content, mapping=mapping, currency="EUR", by=None
    )
    line_ = statement.lines.get()
    page = signed_in("finance").post(
        f"/cash/bank/{statement.pk}/lines/{line_.pk}/",
        {"action": "save", "customer": "BANK-1", "alloc-²": "1.00", f"alloc-{invoice.pk}": "12.50"},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200


# ── text ─────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("role", "url", "name"),
    [
        ("sales", "/inventory/products/options/", "q"),
        ("sales", "/inventory/products/options/", "product"),
        ("warehouse", "/inventory/stock/panel/", "product"),
        ("sales", "/orders/entry/customers/", "customer_query"),
        ("sales", "/orders/entry/products/", "line_product_query"),
        ("finance", "/cash/payments/new/customers/", "customer_query"),
        ("finance", "/cash/bank/customers/", "customer"),
    ],
)
def test_a_nul_byte_in_a_type_ahead_search_finds_nothing(signed_in, role, url, name):
    a_customer(name="Nul GmbH")
    page = signed_in(role).get(url, {name: NUL}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200


def test_a_credit_decision_note_with_a_nul_byte_is_refused(signed_in, make_user):
    customer = a_customer(credit_limit="0.00")
    service = a_product(kind="service", price="50.00", tax_rate="0.00", cost="0")
    order = an_order(customer, line(service, "1"), submit=True, by=make_user("sales", "seller"))
    assert order.status == "on_hold"
    client = signed_in("finance")
    page = client.post(f"/credit/holds/{order.pk}/release/", {"note": NUL}, follow=True)
    assert page.status_code == 200
    order.refresh_from_db()
    assert order.status == "on_hold"


@pytest.mark.parametrize(
    "target", ["-1", "orders:list", "//evil.example/x", "https://evil.example/", "/\x00x"]
)
def test_a_next_value_that_is_not_a_path_here_goes_back_to_the_queue(signed_in, make_user, target):
    customer = a_customer(credit_limit="0.00")
    service = a_product(kind="service", price="50.00", tax_rate="0.00", cost="0")
    order = an_order(customer, line(service, "1"), submit=True, by=make_user("sales", "seller"))
    page = signed_in("finance").post(f"/credit/holds/{order.pk}/release/", {"note": "", "next": target})
    assert (page.status_code, page.url) == (302, reverse("credit:holds"))
    page = signed_in("finance").post(f"/credit/holds/{order.pk}/release/", {"note": "", "next": "/orders/"})
    assert (page.status_code, page.url) == (302, "/orders/")


# ── dates ────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
@pytest.mark.parametrize(
    "url", ["/reports/cycle-times/", "/reports/fulfilment/", "/reports/sales/", "/reports/cash/"]
)
def test_report_ranges_outside_the_supported_years_are_a_form_error(signed_in, url, day):
    for query in ({"start": day}, {"end": day}, {"start": day, "end": day}):
        page = signed_in("manager").get(url, query)
        assert page.status_code in (200, 400), query


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_statements_and_dunning_previews_outside_the_supported_years(signed_in, day):
    customer = a_customer()
    client = signed_in("finance")
    for query in ({"from": day}, {"to": day}, {"from": day, "to": day}):
        assert client.get(f"/cash/customers/{customer.pk}/statement/", query).status_code < 500, query
    assert client.get("/cash/dunning/", {"as_of": day}).status_code < 500
    assert client.post("/cash/dunning/runs/", {"as_of": day}).status_code < 500


def test_the_services_refuse_years_outside_1900_to_2200():
    with pytest.raises(DomainError) as refused:
        period_clean(start=date(1, 1, 1), end=None)
    assert refused.value.field == "start"
    with pytest.raises(DomainError) as refused:
        period_clean(start=None, end=date(9999, 12, 31))
    assert refused.value.field == "end"
    with pytest.raises(DomainError) as refused:
        statement_period_clean(period_from=None, period_to=date(9999, 12, 31))
    assert refused.value.field == "to"
    with pytest.raises(DomainError) as refused:
        statement_period_clean(period_from=date(1, 1, 1), period_to=None)
    assert refused.value.field == "from"
    with pytest.raises(DomainError) as refused:
        as_of_clean("0100-01-01")
    assert refused.value.field == "as_of"


# ── amounts ──────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("amount", ["9" * 30, "1e999999", "NaN", "10000000000.00", "²"])
def test_amounts_past_every_column_are_a_form_error_on_the_payment_entry(signed_in, amount):
    customer = a_customer()
    client = signed_in("finance")
    fields = {"customer": str(customer.pk), "amount": amount, "received_on": date.today().isoformat()}
    for name in ("payment-proposal", "payment-totals", "payment-new"):
        assert client.post(reverse(f"receivables:{name}"), fields).status_code == 200
    assert not Payment.objects.exists()


def test_a_receipt_quantity_past_the_column_is_a_form_error(signed_in):
    product = a_product(sku="BIG-1")
    stock(product, "1")
    page = signed_in("warehouse").post(
        "/inventory/receive/", {"product": "BIG-1", "warehouse": "1", "quantity": "1e999999"}
    )
    assert page.status_code == 200 and page.context["form"].errors["quantity"]


# ── the kernel's fields and parameter helpers ────────────────────────────────────────────────────


def test_the_kernel_fields_read_through_o2c_parsing():
    assert IdField().clean("42") == 42
    for value in ("²", "٣", "9" * 30, "-1", "0", "1.0"):
        with pytest.raises(Exception) as refused:
            IdField().clean(value)
        assert refused.value.code == "invalid", value
    assert DateField().clean("2026-03-02") == date(2026, 3, 2)
    for value in ("0001-01-01", "9999-12-31", "1899-12-31"):
        with pytest.raises(Exception) as refused:
            DateField().clean(value)
        assert refused.value.code == "date_range", value
    assert AmountField().clean("1250.50") == Decimal("1250.50")
    for value in ("1e999999", "NaN", "Infinity", "10000000000.00", "1.005", "²", "9" * 30):
        with pytest.raises(Exception):
            AmountField().clean(value)
    assert QuantityField().clean("2.125") == Decimal("2.125")
    with pytest.raises(Exception):
        QuantityField().clean("1000000000")


def test_the_parameter_helpers_count_odd_values_as_absent():
    assert param_id({"customer": "17"}, "customer") == 17
    assert [param_id({"customer": value}, "customer") for value in ("²", "", "9" * 30, "-3", None)] == [
        None
    ] * 5
    assert param_text({"q": "  Müller "}, "q") == "Müller"
    assert param_text({"q": NUL}, "q") == ""
    assert id_suffix("apply_17", "apply_") == 17
    assert [id_suffix(name, "apply_") for name in ("apply_²", "apply_1x", "alloc-3", "apply_")] == [None] * 4


# ── file names ───────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("code", ["C\x00D", "C\nD", "C\tD", "C\x1bD", "C\x7fD"])
def test_customer_codes_with_control_characters_are_refused(code, signed_in):
    with pytest.raises(DomainError) as refused:
        customer_create(code=code, name="Control", email="c@example.com")
    assert refused.value.field == "code"
    page = signed_in("sales").post("/customers/new/", {"code": code, "name": "X", "email": "x@example.com"})
    assert page.status_code == 200 and "code" in page.context["form"].errors


def test_a_statement_download_of_a_code_with_quotes_has_a_safe_header(signed_in):
    customer = a_customer(code='O\'B "X";1')
    page = signed_in("finance").get(
        f"/cash/customers/{customer.pk}/statement/",
        {"from": "2026-01-01", "to": "2026-01-31", "export": "pdf"},
    )
    assert page.status_code == 200
    header = page["Content-Disposition"]
    assert header == content_disposition('statement-O\'B "X";1-2026-01-31.pdf', inline=True)
    assert header.count('"') == 2 and "\n" not in header


def test_every_download_names_its_file_per_rfc_6266(signed_in):
    customer = a_customer(code="DL-1")
    invoice = an_invoice(customer, "10.00")
    client = signed_in("manager")
    for url in (f"/invoices/{invoice.pk}/pdf/", "/customers/?export=csv", "/cash/payments/?export=csv"):
        header = client.get(url)["Content-Disposition"]
        assert "filename*=UTF-8''" in header, url
