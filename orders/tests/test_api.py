"""The order API of API.md: create (and submit), read, edit drafts, the actions, bad input."""

import json
from decimal import Decimal

import pytest

from inventory.models import StockLevel
from orders.models import SalesOrder, SalesOrderLine
from tests.builders import a_customer, a_product, a_warehouse, an_order, line, stock
from tests.errors import error_code

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


@pytest.fixture
def catalog():
    a_warehouse()
    espresso = a_product(sku="ESP", price="1290.00", tax_rate="19.00")
    stock(espresso, "5")
    service = a_product(sku="SVC", price="95.00", tax_rate="19.00", kind="service")
    return {"espresso": espresso, "service": service}


def order_body(customer, *lines, **extra):
    return {"customer": customer.pk, "lines": list(lines), **extra}


def test_create_and_submit_in_one_call(api_client_for, catalog):
    customer = a_customer(credit_limit="10000.00")
    response = api_client_for("sales").post(
        ORDERS,
        order_body(
            customer,
            {"product": catalog["espresso"].pk, "quantity": "2", "discount_percent": "5"},
            {"product": catalog["service"].pk, "quantity": "1.5"},
            customer_reference="PO-4711",
            submit=True,
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["fulfillment_status"] == "allocated"
    assert (body["billing_status"], body["payment_status"]) == ("not_invoiced", "unpaid")
    # 2 × 1290 less 5 % = 2451.00, tax 465.69; 1.5 × 95 = 142.50, tax 27.08
    assert (body["net_total"], body["tax_total"], body["total"]) == ("2593.50", "492.77", "3086.27")
    assert body["credit_decision"]["outcome"] == "approved"
    assert body["credit_decision"]["credit_limit"] == "10000.00"
    espresso_line = body["lines"][0]
    assert {
        k: espresso_line[k] for k in ("quantity", "unit_price", "net_amount", "tax_amount", "total_amount")
    } == {
        "quantity": "2.000",
        "unit_price": "1290.00",
        "net_amount": "2451.00",
        "tax_amount": "465.69",
        "total_amount": "2916.69",
    }
    assert (espresso_line["quantity_reserved"], espresso_line["quantity_backordered"]) == ("2.000", "0.000")


def test_draft_then_submit_then_timeline(api_client_for, catalog):
    client = api_client_for("sales")
    customer = a_customer(credit_limit="1000.00")
    draft = client.post(
        ORDERS, order_body(customer, {"product": catalog["espresso"].pk, "quantity": "1"}), format="json"
    )
    assert draft.json()["status"] == "draft" and draft.json()["credit_decision"] is None

    submitted = client.post(f"{ORDERS}{draft.json()['id']}/submit/", format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "on_hold"
    assert submitted.json()["credit_decision"]["reason"] == "limit exceeded by 535.10 EUR"

    events = client.get(f"{ORDERS}{draft.json()['id']}/events/").json()
    assert [e["event"] for e in events] == ["created", "credit_hold"]
    assert events[1]["actor"] == client.user.username and events[1]["to_status"] == "on_hold"


def test_finance_releases_a_hold_and_sales_may_not(api_client_for, catalog):
    order = an_order(a_customer(credit_limit="10.00"), line(catalog["espresso"], "1"), submit=True)
    url = f"{ORDERS}{order.pk}/release-hold/"
    assert api_client_for("sales").post(url, {"note": "ok"}, format="json").status_code == 403
    released = api_client_for("finance").post(url, {"note": "prepaid"}, format="json")
    assert released.status_code == 200 and released.json()["status"] == "open"
    assert released.json()["credit_decision"]["outcome"] == "released"
    again = api_client_for("manager").post(url, {"note": "again"}, format="json")
    assert again.status_code == 409 and error_code(again) == "order_not_on_hold"


def test_reject_cancels(api_client_for, catalog):
    order = an_order(a_customer(credit_limit="10.00"), line(catalog["espresso"], "1"), submit=True)
    rejected = api_client_for("finance").post(
        f"{ORDERS}{order.pk}/reject-hold/", {"note": "no"}, format="json"
    )
    assert rejected.json()["status"] == "cancelled"


def test_cancel_releases_reservations(api_client_for, catalog):
    order = an_order(a_customer(), line(catalog["espresso"], "3"), submit=True)
    response = api_client_for("sales").post(
        f"{ORDERS}{order.pk}/cancel/", {"reason": "duplicate"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert StockLevel.objects.get(product=catalog["espresso"]).reserved == 0
    no_reason = api_client_for("sales", "s2").post(f"{ORDERS}{order.pk}/cancel/", {}, format="json")
    assert no_reason.status_code == 400 and error_code(no_reason) == "required"


@pytest.mark.parametrize("role", ["warehouse", "finance"])
def test_only_sales_and_managers_create_orders(api_client_for, catalog, role):
    body = order_body(a_customer(), {"product": catalog["espresso"].pk, "quantity": "1"})
    assert api_client_for(role).post(ORDERS, body, format="json").status_code == 403
    assert api_client_for("manager", f"m-{role}").post(ORDERS, body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("lines", "extra", "field", "code"),
    [
        ([], {}, "lines", "empty"),
        ([{"product": "P", "quantity": "0"}], {}, "lines", "out_of_range"),
        ([{"product": "P", "quantity": "-2"}], {}, "lines", "out_of_range"),
        ([{"product": "P", "quantity": "1000000000000000"}], {}, "lines", "out_of_range"),
        ([{"product": "P", "quantity": "12,5"}], {}, "lines", "invalid_number"),
        ([{"product": "P", "quantity": "abc"}], {}, "lines", "invalid_number"),
        ([{"product": "P", "quantity": "1", "discount_percent": "100.5"}], {}, "lines", "out_of_range"),
        ([{"product": "P", "quantity": "1", "unit_price": "1e3x"}], {}, "lines", "invalid_number"),
        ([{"product": 999999, "quantity": "1"}], {}, "lines", "does_not_exist"),
        ([{"product": "RETIRED", "quantity": "1"}], {}, "lines", "inactive_product"),
        ([{"product": "P", "quantity": "1"}], {"currency": "USD"}, "currency", "currency_mismatch"),
        ([{"product": "P", "quantity": "1"}], {"customer": 999999}, "customer", "does_not_exist"),
        (
            [{"product": "P", "quantity": "1"}],
            {"requested_delivery_date": "2020-01-01"},
            "requested_delivery_date",
            "delivery_date_in_past",
        ),
        (
            [{"product": "P", "quantity": "1"}],
            {"requested_delivery_date": "tomorrow"},
            "requested_delivery_date",
            "invalid_date",
        ),
        ([{"product": "P", "quantity": "1"}], {"warehouse": 999999}, "warehouse", "does_not_exist"),
    ],
    ids=[
        "no-lines",
        "zero",
        "negative",
        "10^15",
        "comma",
        "text",
        "discount>100",
        "bad-price",
        "unknown-product",
        "inactive-product",
        "other-currency",
        "unknown-customer",
        "past-date",
        "bad-date",
        "unknown-warehouse",
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(
    api_client_for, catalog, lines, extra, field, code
):
    retired = a_product(sku="OLD", active=False)
    ids = {"P": catalog["espresso"].pk, "RETIRED": retired.pk}
    for item in lines:
        item["product"] = ids.get(item["product"], item["product"])
    body = {**order_body(a_customer(), *lines), **extra}

    response = api_client_for("sales").post(ORDERS, body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert error_code(response) == code
    assert SalesOrder.objects.count() == 0 and SalesOrderLine.objects.count() == 0


def test_patch_edits_a_draft_and_is_409_once_submitted(api_client_for, catalog):
    client = api_client_for("sales")
    order = an_order(a_customer(), line(catalog["espresso"], "1"))
    edited = client.patch(
        f"{ORDERS}{order.pk}/",
        {"lines": [{"product": catalog["service"].pk, "quantity": "2"}], "customer_reference": "PO-9"},
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["total"] == "226.10"
    assert edited.json()["customer_reference"] == "PO-9"

    client.post(f"{ORDERS}{order.pk}/submit/", format="json")
    refused = client.patch(f"{ORDERS}{order.pk}/", {"customer_reference": "PO-10"}, format="json")
    assert refused.status_code == 409
    assert set(refused.json()) == {"detail", "code"} and error_code(refused) == "order_not_editable"
    # only a service line is left: approval invoiced it and the order is fulfilled
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.FULFILLED
    resubmit = client.post(f"{ORDERS}{order.pk}/submit/", format="json")
    assert resubmit.status_code == 409 and error_code(resubmit) == "order_not_submittable"


def test_filters_and_404(api_client_for, catalog):
    client = api_client_for("warehouse")
    first = an_order(a_customer(), line(catalog["espresso"], "1"), submit=True)
    an_order(a_customer(), line(catalog["espresso"], "1"))
    assert [o["number"] for o in client.get(f"{ORDERS}?status=open").json()["results"]] == [first.number]
    assert client.get(f"{ORDERS}?number={first.number.lower()}").json()["count"] == 1
    assert client.get(f"{ORDERS}?status=nonsense").status_code == 400
    assert client.get(f"{ORDERS}999999/").status_code == 404
    assert client.get(f"{ORDERS}999999/events/").status_code == 404


def test_the_list_runs_a_bounded_number_of_queries(api_client_for, catalog, django_assert_max_num_queries):
    client = api_client_for("sales")
    customer = a_customer()
    for _ in range(3):
        an_order(customer, line(catalog["espresso"], "1"), line(catalog["service"], "1"), submit=True)
    with django_assert_max_num_queries(9) as few:  # 8 + the returns and quotations (0063), one prefetch
        assert client.get(ORDERS).json()["count"] == 3
    for _ in range(12):
        an_order(customer, line(catalog["espresso"], "1"), line(catalog["service"], "1"), submit=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(ORDERS).json()["count"] == 15


def test_idempotent_order_creation(api_client_for, catalog):
    client = api_client_for("sales")
    body = order_body(a_customer(), {"product": catalog["espresso"].pk, "quantity": "1"}, submit=True)
    first = client.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    second = client.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    assert second["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert SalesOrder.objects.count() == 1
    assert StockLevel.objects.get(product=catalog["espresso"]).reserved == Decimal("1")


def test_refused_orders_draw_no_number(api_client_for, catalog):
    """Order numbers may have gaps (docs/decisions/0022), but a refused order takes none: two
    refused submits between two accepted orders leave their numbers consecutive."""
    client = api_client_for("sales")
    customer = a_customer(credit_limit="100000.00")
    good = {"product": catalog["service"].pk, "quantity": "1"}
    first = client.post(ORDERS, order_body(customer, good, submit=True), format="json").json()["number"]
    for refused, code in (
        (
            order_body(customer, {"product": catalog["service"].pk, "quantity": "0"}, submit=True),
            "out_of_range",
        ),
        (order_body(customer, good, warehouse=999999, submit=True), "does_not_exist"),
    ):
        response = client.post(ORDERS, refused, format="json")
        assert response.status_code == 400 and error_code(response) == code
    second = client.post(ORDERS, order_body(customer, good, submit=True), format="json").json()["number"]

    head, serial = first.rsplit("-", 1)
    assert second == f"{head}-{int(serial) + 1:06d}"


@pytest.mark.parametrize("action", ["release-hold", "reject-hold"])
@pytest.mark.parametrize("body", [{}, {"note": ""}, {"note": "   "}])
def test_a_hold_decision_needs_a_note(api_client_for, catalog, action, body):
    # Issue 11: the API released a credit hold without a note (the page always needed one).
    order = an_order(a_customer(credit_limit="10.00"), line(catalog["espresso"], "1"), submit=True)
    response = api_client_for("finance").post(f"{ORDERS}{order.pk}/{action}/", body, format="json")
    assert response.status_code == 400 and "note" in response.json()
    assert error_code(response) == ("required" if not body else "blank")
    order.refresh_from_db()
    assert order.status == "on_hold" and not order.credit_decisions.filter(rule="manual").exists()


@pytest.mark.parametrize(
    "quantity, unit_price, code",
    [
        (
            "999999999",
            "9999999999.99",
            "amount_too_large",
        ),  # the largest quantity at the largest price: 10^19
        ("1", "10000000000.00", "out_of_range"),  # a unit price beyond MAX_AMOUNT (the field's bound)
        ("2", "9999999999.99", "amount_too_large"),  # a line total beyond MAX_AMOUNT
    ],
)
def test_an_order_line_beyond_the_amount_bound_is_refused(
    api_client_for, catalog, quantity, unit_price, code
):
    # Issue 11: amounts are bounded so that every line, document and sum fits its column.
    body = order_body(
        a_customer(credit_limit=None),
        {
            "product": catalog["service"].pk,
            "quantity": quantity,
            "unit_price": unit_price,
            "discount_percent": "0",
        },
    )
    response = api_client_for("sales").post(ORDERS, body, format="json")
    assert response.status_code == 400 and "lines" in response.json()
    assert error_code(response) == code
    assert not SalesOrder.objects.exists()


def test_an_order_total_beyond_the_amount_bound_is_refused(api_client_for, catalog):
    half = {"product": catalog["service"].pk, "quantity": "1", "unit_price": "5000000000.00"}
    body = order_body(a_customer(credit_limit=None), half, half)
    response = api_client_for("sales").post(ORDERS, body, format="json")
    assert response.status_code == 400 and "lines" in response.json()
    assert error_code(response) == "amount_too_large"
    assert not SalesOrder.objects.exists()


def test_json_numbers_are_taken_exactly_as_written(api_client_for, catalog):
    """API.md writes decimals as strings; a client that sends JSON numbers gets them exactly, as
    Decimals spelled in the body, never rounded through a float."""
    body = json.dumps(
        {"customer": a_customer(credit_limit=None).pk, "lines": [{"product": catalog["service"].pk}]}
    ).replace("}]}", ', "quantity": 1.5, "unit_price": 0.1, "discount_percent": 2.5}]}')
    response = api_client_for("sales").post(ORDERS, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    line_out = response.json()["lines"][0]
    assert (line_out["quantity"], line_out["unit_price"], line_out["discount_percent"]) == (
        "1.500",
        "0.10",
        "2.50",
    )
    assert response.json()["net_total"] == "0.15"  # 1.5 × 0.10 × 0.975 = 0.14625, half-up
