"""Customer pages: who sees what, the list's filters and CSV, the detail page, the forms."""

from decimal import Decimal

import pytest

from customers.models import Customer
from customers.services import customer_create, customer_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_for(client, make_user):
    def login(role, username=None):
        user = make_user(role, username)
        client.force_login(user)
        client.user = user
        return client

    return login


def a_customer(code="C1", **fields):
    fields = {"name": f"Customer {code}", "email": f"{code.lower()}@example.com", **fields}
    return customer_create(code=code, **fields)


def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


@pytest.mark.parametrize(
    ("role", "can_edit"), [("sales", True), ("finance", True), ("manager", True), ("warehouse", False)]
)
def test_list_and_detail_for_each_role(browser_for, role, can_edit):
    customer = a_customer()
    client = browser_for(role)
    page = client.get("/customers/")
    assert page.status_code == 200 and "Customer C1" in page.text
    assert ('href="/customers/new/"' in page.text) is can_edit
    detail = client.get(f"/customers/{customer.pk}/")
    assert detail.status_code == 200
    assert (f'href="/customers/{customer.pk}/edit/"' in detail.text) is can_edit
    assert client.get("/customers/new/").status_code == (200 if can_edit else 403)
    assert client.get(f"/customers/{customer.pk}/edit/").status_code == (200 if can_edit else 403)


def test_customers_are_in_the_navigation_of_sales_and_finance_only(browser_for):
    def nav(role):
        page = browser_for(role, f"{role}-nav").get("/customers/")
        return {item["url_name"] for item in page.context["nav_items"]}

    assert "customers:list" in nav("sales")
    assert "customers:list" in nav("finance")
    assert "customers:list" not in nav("warehouse")


def test_a_user_without_a_role_is_refused_and_anonymous_users_log_in(client, browser_for):
    assert client.get("/customers/").status_code == 302
    assert browser_for(None).get("/customers/").status_code == 403


def test_unknown_customer_is_a_404(browser_for):
    assert browser_for("sales").get("/customers/999999/").status_code == 404


def test_list_search_filters_and_sorting(browser_for):
    a_customer("A1", name="Alpha Foods", currency="USD")
    a_customer("B1", name="Beta Bakery", blocked=True)
    a_customer("C1", name="Gamma Grocers", vat_number="FR40303265045")
    client = browser_for("finance")

    def codes(query):
        return [customer.code for customer in client.get(f"/customers/?{query}").context["page"]]

    assert codes("") == ["A1", "B1", "C1"]
    assert codes("q=bakery") == ["B1"]
    assert codes("q=FR403") == ["C1"]
    assert codes("blocked=true") == ["B1"]
    assert codes("blocked=false") == ["A1", "C1"]
    assert codes("currency=USD") == ["A1"]
    assert codes("sort=-code") == ["C1", "B1", "A1"]
    assert codes("sort=nonsense") == ["A1", "B1", "C1"]


def test_list_csv_export_has_a_header_row_and_the_credit_figures(browser_for):
    a_customer("C1", credit_limit=Decimal("1500.00"))
    response = browser_for("sales").get("/customers/?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = csv_lines(response)
    assert lines[0].startswith("code,name,email,currency,payment_terms_days,credit_limit,blocked")
    assert lines[1].startswith("C1,Customer C1,c1@example.com,EUR,30,1500.00,False")
    assert len(lines) == 2


def test_the_list_page_runs_a_bounded_number_of_queries(browser_for, django_assert_max_num_queries):
    for number in range(15):
        a_customer(f"C{number:02d}", credit_limit=Decimal("100.00"))
    client = browser_for("sales")
    with django_assert_max_num_queries(10):
        page = client.get("/customers/")
    assert page.status_code == 200 and len(page.context["page"]) == 15


def test_detail_shows_master_data_credit_position_and_history(browser_for, make_user):
    customer = a_customer(credit_limit=Decimal("1000.00"), vat_number="DE811907980")
    client = browser_for("finance", "fiona")
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "code": "C1",
            "name": "Customer C1",
            "email": "c1@example.com",
            "currency": "EUR",
            "payment_terms_days": "30",
            "vat_number": "DE811907980",
            "credit_limit": "2500.00",
            "dunning_enabled": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    page = client.get(response["Location"])
    assert "DE811907980" in page.text
    position = page.context["position"]
    assert (position.credit_limit, position.exposure, position.headroom) == (
        Decimal("2500.00"),
        Decimal("0.00"),
        Decimal("2500.00"),
    )
    history = page.context["history"]
    assert [change.label for change in history] == ["update", "insert"]
    assert history[0].username == "fiona"
    assert [change.field for change in history[0].changes] == ["credit_limit"]
    assert (history[0].changes[0].old, history[0].changes[0].new) == (Decimal("1000.00"), Decimal("2500.00"))
    assert "fiona" in page.text and "Credit limit" in page.text and "2500.00" in page.text


def test_history_resolves_user_names_in_one_query(browser_for, make_user, django_assert_max_num_queries):
    customer = a_customer()
    for number in range(5):
        customer_update(customer_id=customer.pk, by=None, name=f"Name {number}")
    client = browser_for("sales")
    with django_assert_max_num_queries(12):
        page = client.get(f"/customers/{customer.pk}/")
    assert len(page.context["history"]) == 6


def test_sales_edits_but_the_credit_terms_stay_as_they_were(browser_for):
    customer = a_customer(credit_limit=Decimal("1000.00"))
    client = browser_for("sales")
    form_page = client.get(f"/customers/{customer.pk}/edit/")
    assert form_page.context["form"].fields["credit_limit"].disabled
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "code": "C1",
            "name": "Renamed by sales",
            "email": "c1@example.com",
            "currency": "eur",
            "payment_terms_days": "30",
            "credit_limit": "999999.00",
            "blocked": "on",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.credit_limit, customer.blocked, customer.dunning_enabled) == (
        "Renamed by sales",
        Decimal("1000.00"),
        False,
        True,
    )


def test_create_form_shows_errors_per_field_and_saves_nothing(browser_for):
    client = browser_for("finance")
    response = client.post(
        "/customers/new/",
        {
            "code": "C9",
            "name": "Nine",
            "email": "nine@example.com",
            "currency": "QQQ",
            "payment_terms_days": "400",
            "vat_number": "DE123456789",
            "credit_limit": "-5",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"currency", "payment_terms_days", "vat_number", "credit_limit"}
    assert 'aria-invalid="true"' in response.text and "is-invalid" in response.text
    assert not Customer.objects.exists()


def test_create_form_refuses_a_duplicate_code_on_the_code_field(browser_for):
    a_customer("C1")
    response = browser_for("sales").post(
        "/customers/new/",
        {
            "code": "C1",
            "name": "Again",
            "email": "again@example.com",
            "currency": "EUR",
            "payment_terms_days": "30",
        },
    )
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert Customer.objects.count() == 1


def test_create_form_by_sales_creates_without_credit_terms(browser_for):
    response = browser_for("sales").post(
        "/customers/new/",
        {
            "code": "C7",
            "name": "Seven",
            "email": "seven@example.com",
            "currency": "usd",
            "payment_terms_days": "10",
            "credit_limit": "5000",
        },
    )
    customer = Customer.objects.get(code="C7")
    assert response["Location"] == f"/customers/{customer.pk}/"
    # Issue 11: the disabled field keeps the default limit (it used to leave the customer unlimited)
    assert (customer.currency, customer.credit_limit, customer.dunning_enabled) == (
        "USD",
        Decimal("0.00"),
        True,
    )


def test_create_form_by_sales_without_a_limit_field_keeps_the_default(browser_for):
    client = browser_for("sales")
    assert client.get("/customers/new/").context["form"]["credit_limit"].value() == Decimal("0.00")
    client.post(
        "/customers/new/",
        {
            "code": "C8",
            "name": "Eight",
            "email": "8@example.com",
            "currency": "EUR",
            "payment_terms_days": "30",
        },
    )
    assert Customer.objects.get(code="C8").credit_limit == Decimal("0.00")


@pytest.mark.parametrize("role", ["finance", "manager"])
def test_finance_clears_the_limit_field_for_an_unlimited_customer(browser_for, role):
    response = browser_for(role).post(
        "/customers/new/",
        {
            "code": "C9",
            "name": "Nine",
            "email": "9@example.com",
            "currency": "EUR",
            "payment_terms_days": "30",
            "credit_limit": "",
            "dunning_enabled": "on",
        },
    )
    assert response.status_code == 302
    assert Customer.objects.get(code="C9").credit_limit is None


def test_detail_lists_open_orders(browser_for):
    from tests.builders import a_product, an_order, line

    customer = a_customer()
    order = an_order(customer, line(a_product(price="10.00"), "3"))
    page = browser_for("sales").get(f"/customers/{customer.pk}/")
    assert [listed.pk for listed, _ in page.context["open_orders"]] == [order.pk]
    assert order.number in page.text
