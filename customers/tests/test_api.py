"""The customer API of API.md: shapes with exact decimals, validation naming the field, roles,
the audit trail, bounded queries."""

from decimal import Decimal

import pghistory.models
import pytest

from customers.models import Customer
from customers.services import customer_create
from tests.errors import error_code

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"
ACME = {
    "code": "C0042",
    "name": "Acme Retail GmbH",
    "email": "ap@acme.example",
    "currency": "EUR",
    "payment_terms_days": 14,
    "credit_limit": "25000.50",
    "vat_number": "DE 811 907 980",
    "billing_address": "Königstraße 1\n70173 Stuttgart",
}


def a_customer(code="C1", **fields):
    fields = {"name": f"Customer {code}", "email": f"{code.lower()}@example.com", **fields}
    return customer_create(code=code, **fields)


def test_finance_creates_a_customer_and_reads_it_back(api_client_for):
    client = api_client_for("finance")
    response = client.post(URL, ACME, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/customers/{body['id']}/"
    assert body == {
        "id": body["id"],
        "code": "C0042",
        "name": "Acme Retail GmbH",
        "email": "ap@acme.example",
        "currency": "EUR",
        "payment_terms_days": 14,
        "discount_percent": "0.00",  # no cash discount unless given (decision 0056)
        "discount_days": 0,
        "payment_terms": {"net_days": 14, "discount_percent": "0.00", "discount_days": 0},
        "credit_limit": "25000.50",
        "blocked": False,
        "dunning_enabled": True,
        "tax_exempt": False,
        "vat_number": "DE811907980",
        "billing_address": "Königstraße 1\n70173 Stuttgart",
        "shipping_address": "",
        "country": "",
        "peppol_id": "",
        "invoice_format": "pdf",
        "language": "en",
        "notify_order_confirmation": True,
        "notify_order_review": True,
        "notify_shipping_notice": True,
        "notify_late_notice": True,
        "price_list": None,
        "balance": "0.00",
        "exposure": "0.00",
        "overdue_amount": "0.00",
        "unapplied_cash": "0.00",
        "open_orders_value": "0.00",
        "headroom": "25000.50",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert body["created_at"].endswith("Z")
    assert client.get(f"{URL}{body['id']}/").json() == body


def test_sales_creates_a_customer_without_credit_terms_and_it_takes_the_default_limit(api_client_for):
    # Issue 11: a customer created without a limit used to be unlimited; it now takes
    # O2C_DEFAULT_CREDIT_LIMIT (0.00), so its first order waits for finance.
    body = {key: value for key, value in ACME.items() if key != "credit_limit"}
    response = api_client_for("sales").post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_limit"] == "0.00" and response.json()["headroom"] == "0.00"


def test_the_default_credit_limit_comes_from_the_setting(api_client_for, settings):
    settings.O2C_DEFAULT_CREDIT_LIMIT = Decimal("2500.00")
    body = {key: value for key, value in ACME.items() if key != "credit_limit"}
    response = api_client_for("sales").post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_limit"] == "2500.00"


def test_sales_cannot_create_an_unlimited_customer(api_client_for):
    response = api_client_for("sales").post(URL, {**ACME, "credit_limit": None}, format="json")
    assert response.status_code == 403
    assert "credit_limit" in response.json() and error_code(response) == "credit_terms_forbidden"
    assert not Customer.objects.exists()


def test_sales_cannot_make_a_customer_unlimited(api_client_for):
    customer = a_customer()
    response = api_client_for("sales").patch(f"{URL}{customer.pk}/", {"credit_limit": None}, format="json")
    assert response.status_code == 403 and "credit_limit" in response.json()
    assert error_code(response) == "credit_terms_forbidden"
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("0.00")


@pytest.mark.parametrize("role", ["finance", "manager", "admin"])
def test_finance_and_managers_may_create_an_unlimited_customer(api_client_for, role):
    response = api_client_for(role).post(URL, {**ACME, "credit_limit": None}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_limit"] is None and response.json()["headroom"] is None


def test_patch_changes_the_fields_sent(api_client_for):
    customer = a_customer(credit_limit=Decimal("100.00"))
    response = api_client_for("sales").patch(
        f"{URL}{customer.pk}/", {"name": "Renamed", "shipping_address": "Dock 4"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Renamed" and response.json()["credit_limit"] == "100.00"
    customer.refresh_from_db()
    assert (customer.name, customer.shipping_address) == ("Renamed", "Dock 4")


def test_put_is_not_offered(api_client_for):
    customer = a_customer()
    assert api_client_for("finance").put(f"{URL}{customer.pk}/", ACME, format="json").status_code == 405


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"vat_number": "DE123456789"}, "vat_number", "invalid_vat_number"),
        ({"vat_number": "123"}, "vat_number", "invalid_vat_number"),
        ({"currency": "XYZ"}, "currency", "invalid_currency"),
        ({"currency": "eur"}, "currency", "invalid_currency"),
        ({"credit_limit": "-1.00"}, "credit_limit", "out_of_range"),
        ({"credit_limit": "abc"}, "credit_limit", "invalid_number"),
        ({"credit_limit": "1e400"}, "credit_limit", "invalid_number"),
        ({"payment_terms_days": 366}, "payment_terms_days", "max_value"),
        ({"email": "not-an-address"}, "email", "invalid"),
        ({"code": ""}, "code", "blank"),
        ({"code": "C1"}, "code", "duplicate_customer_code"),  # taken
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(api_client_for, change, field, code):
    a_customer("C1")
    response = api_client_for("finance").post(URL, {**ACME, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert error_code(response) == code
    assert list(Customer.objects.values_list("code", flat=True)) == ["C1"]


def test_bad_patch_is_a_400_naming_the_field_and_changes_nothing(api_client_for):
    a_customer("C1")
    customer = a_customer("C2")
    client = api_client_for("finance")
    for change, field, code in [
        ({"code": "C1"}, "code", "duplicate_customer_code"),
        ({"vat_number": "FR00000000000"}, "vat_number", "invalid_vat_number"),
    ]:
        response = client.patch(f"{URL}{customer.pk}/", {**change, "name": "Changed"}, format="json")
        assert response.status_code == 400 and field in response.json(), response.content
        assert error_code(response) == code
    customer.refresh_from_db()
    assert (customer.code, customer.name) == ("C2", "Customer C2")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credit_limit": "5000.00"}, "credit_limit"),
        ({"blocked": True}, "blocked"),
        ({"dunning_enabled": False}, "dunning_enabled"),
    ],
)
def test_sales_cannot_change_the_credit_terms(api_client_for, change, field):
    customer = a_customer(credit_limit=Decimal("100.00"))
    response = api_client_for("sales").patch(f"{URL}{customer.pk}/", {**change, "name": "X"}, format="json")
    assert response.status_code == 403
    assert field in response.json() and error_code(response) == "credit_terms_forbidden"
    customer.refresh_from_db()
    assert (customer.name, customer.credit_limit, customer.blocked, customer.dunning_enabled) == (
        "Customer C1",
        Decimal("100.00"),
        False,
        True,
    )


def test_sales_cannot_create_a_customer_with_a_credit_limit(api_client_for):
    response = api_client_for("sales").post(URL, ACME, format="json")
    assert response.status_code == 403 and "credit_limit" in response.json()
    assert error_code(response) == "credit_terms_forbidden"
    assert not Customer.objects.exists()


def test_warehouse_reads_but_cannot_create_or_edit(api_client_for):
    customer = a_customer()
    client = api_client_for("warehouse")
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{customer.pk}/").status_code == 200
    assert client.post(URL, ACME, format="json").status_code == 403
    assert client.patch(f"{URL}{customer.pk}/", {"name": "X"}, format="json").status_code == 403
    assert Customer.objects.count() == 1


def test_a_user_without_a_role_reads_nothing(api_client_for):
    assert api_client_for(None).get(URL).status_code == 403


def test_unknown_customer_is_a_404(api_client_for):
    assert api_client_for("sales").get(f"{URL}999999/").status_code == 404


def test_finance_changes_the_credit_limit_and_the_audit_trail_names_them(api_client_for):
    customer = a_customer(credit_limit=Decimal("1000.00"))
    client = api_client_for("finance", "fiona")
    response = client.patch(f"{URL}{customer.pk}/", {"credit_limit": "2500.00"}, format="json")
    assert response.status_code == 200 and response.json()["credit_limit"] == "2500.00"
    update = pghistory.models.Events.objects.tracks(customer).get(pgh_label="update")
    assert [Decimal(str(value)) for value in update.pgh_diff["credit_limit"]] == [
        Decimal(1000),
        Decimal(2500),
    ]
    assert update.pgh_context["user"] == client.user.pk
    assert update.pgh_context["url"] == f"{URL}{customer.pk}/"


def test_filters_search_and_ordering(api_client_for):
    a_customer("B1", blocked=True)
    a_customer("A1", currency="USD")
    a_customer("C1", email="billing@zeta.example")
    client = api_client_for("sales")

    def codes(query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [row["code"] for row in response.json()["results"]]

    assert codes("blocked=true") == ["B1"]
    assert codes("code=a1") == ["A1"]
    assert codes("currency=USD") == ["A1"]
    assert codes("search=zeta") == ["C1"]
    assert codes("ordering=-code") == ["C1", "B1", "A1"]


def test_idempotency_key_replays_the_create(api_client_for):
    client = api_client_for("finance")
    first = client.post(URL, ACME, format="json", HTTP_IDEMPOTENCY_KEY="cust-1")
    again = client.post(URL, ACME, format="json", HTTP_IDEMPOTENCY_KEY="cust-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Customer.objects.count() == 1


def test_the_list_runs_a_bounded_number_of_queries(api_client_for, django_assert_max_num_queries):
    for number in range(15):
        a_customer(f"C{number:02d}", credit_limit=Decimal("100.00"))
    client = api_client_for("sales")
    # auth, roles, count, page, open orders, open invoices, unapplied cash: none per customer
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert response.json()["count"] == 15
    assert {row["headroom"] for row in response.json()["results"]} == {"100.00"}


def test_the_schema_describes_the_customer_endpoints(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/customers/"])
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/customers/{id}/"])


def test_an_error_on_the_code_field_keeps_api_md_shape_and_moves_the_machine_code(api_client_for):
    """API.md: `{"code": ["message"]}`; the machine code then travels as `error_code` (0038)."""
    a_customer("C1")
    response = api_client_for("finance").post(URL, {**ACME, "code": "C1"}, format="json")
    body = response.json()
    assert response.status_code == 400 and set(body) == {"code", "error_code"}
    assert isinstance(body["code"], list) and all(isinstance(message, str) for message in body["code"])
    assert body["error_code"] == "duplicate_customer_code"
