"""The order list, one order and its actions.

State is built through the services and the pipeline, never by writing rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import StockLevel
from orders.models import SalesOrder
from orders.tests.pages import a_customer, login, place

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 15])
def test_the_list_costs_a_fixed_number_of_queries(
    client, make_user, warehouse, widget, count, django_assert_max_num_queries
):
    login(client, make_user, "finance")
    customers = [a_customer(f"C{index:02d}") for index in range(3)]
    for index in range(count):
        place(customers[index % 3], warehouse, widget, "1", submit=index % 2 == 0)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("orders:list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == count


def test_the_list_filters_sorts_and_exports(client, make_user, warehouse, widget):
    login(client, make_user, "warehouse")
    acme, bolt = a_customer("ACME"), a_customer("BOLT", name="Bolt & Nut AG")
    small = place(acme, warehouse, widget, "1")
    big = place(bolt, warehouse, widget, "5", submit=True)
    url = reverse("orders:list")
    assert [o.pk for o in client.get(url, {"sort": "total"}).context["page"]] == [small.pk, big.pk]
    assert [o.pk for o in client.get(url, {"sort": "-total"}).context["page"]] == [big.pk, small.pk]
    assert [o.pk for o in client.get(url, {"status": "draft"}).context["page"]] == [small.pk]
    assert [o.pk for o in client.get(url, {"customer": "nut"}).context["page"]] == [big.pk]
    assert [o.pk for o in client.get(url, {"fulfillment_status": "allocated"}).context["page"]] == [big.pk]
    assert [o.pk for o in client.get(url, {"q": small.number[-3:]}).context["page"]] == [small.pk]
    export = client.get(url, {"customer": "bolt", "export": "csv"})
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].startswith("number,order_date,customer_code")
    assert len(rows) == 2 and rows[1].startswith(big.number) and "within limit" not in rows[1]
    assert "no credit limit" in rows[1]


def test_the_list_reads_the_latest_credit_decision_for_its_page_only(client, make_user, warehouse, widget):
    """The decision is read for the 50 rows of the page (one query), not by subqueries that the
    database runs for every order before it sorts and cuts the page."""
    login(client, make_user, "finance")
    held = place(a_customer("HELD", credit_limit="10.00"), warehouse, widget, "2", submit=True)
    draft = place(a_customer("FREE"), warehouse, widget, "1")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("orders:list"))
    orders_query = next(
        q["sql"] for q in captured if 'FROM "orders_salesorder"' in q["sql"] and "LIMIT" in q["sql"]
    )
    assert "credit_creditdecision" not in orders_query
    page = {order.pk: order for order in response.context["page"]}
    assert page[held.pk].credit_outcome == "on_hold" and "limit exceeded by" in page[held.pk].credit_reason
    assert page[draft.pk].credit_outcome is None and page[draft.pk].credit_reason is None
    assert "limit exceeded by" in response.content.decode()
    by_credit = client.get(reverse("orders:list"), {"sort": "credit_reason"}).context["page"]  # annotated
    assert by_credit[0].pk == held.pk and by_credit[0].credit_outcome == "on_hold"


def test_the_list_is_closed_to_users_without_a_role(client, make_user):
    login(client, make_user, None)
    assert client.get(reverse("orders:list")).status_code == 403


# --- one order ----------------------------------------------------------------------------------


def test_the_order_page_shows_lines_decision_and_timeline(client, make_user, warehouse, widget):
    login(client, make_user, "warehouse")
    order = place(a_customer(credit_limit="10.00"), warehouse, widget, "2", submit=True)
    response = client.get(reverse("orders:detail", args=[order.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert order.number in html and "limit exceeded by" in html and "Credit hold" in html
    assert response.context["actions"] == {
        "edit": False,
        "submit": False,
        "cancel": False,
        "decide": False,
        "return": False,
    }
    assert client.get(reverse("orders:detail", args=[999_999])).status_code == 404


def test_the_buttons_follow_the_transitions_and_the_role(client, make_user, warehouse, widget):
    customer = a_customer(credit_limit="10.00")
    draft = place(customer, warehouse, widget, "1")
    held = place(customer, warehouse, widget, "1", submit=True)
    login(client, make_user, "sales")
    assert client.get(reverse("orders:detail", args=[draft.pk])).context["actions"] == {
        "edit": True,
        "submit": True,
        "cancel": True,
        "decide": False,
        "return": False,
    }
    assert client.get(reverse("orders:detail", args=[held.pk])).context["actions"]["decide"] is False
    login(client, make_user, "finance")
    actions = client.get(reverse("orders:detail", args=[held.pk])).context["actions"]
    assert actions == {"edit": False, "submit": False, "cancel": False, "decide": True, "return": False}


def test_submit_from_the_order_page(client, make_user, warehouse, widget):
    login(client, make_user)
    order = place(a_customer(), warehouse, widget, "2")
    response = client.post(reverse("orders:submit", args=[order.pk]), follow=True)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.OPEN
    assert f"{order.number} approved" in response.content.decode()
    again = client.post(reverse("orders:submit", args=[order.pk]), follow=True)
    assert "cannot be submitted again" in again.content.decode()  # a Conflict is a message, not a 500


def test_cancel_from_the_order_page_releases_the_reservations(client, make_user, warehouse, widget):
    login(client, make_user)
    order = place(a_customer(), warehouse, widget, "4", submit=True)
    assert StockLevel.objects.get(product=widget).reserved == Decimal("4")
    url = reverse("orders:cancel", args=[order.pk])
    assert "Give a reason" in client.post(url, {"reason": ""}, follow=True).content.decode()
    response = client.post(url, {"reason": "customer withdrew"}, follow=True)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CANCELLED
    assert StockLevel.objects.get(product=widget).reserved == Decimal("0")
    assert "cancelled" in response.content.decode()
    again = client.post(url, {"reason": "twice"}, follow=True)
    assert "cannot become cancelled" in again.content.decode()


@pytest.mark.parametrize("role", ["warehouse", "finance"])
def test_only_sales_act_on_orders(client, make_user, warehouse, widget, role):
    login(client, make_user, role)
    order = place(a_customer(), warehouse, widget, "1")
    assert client.post(reverse("orders:submit", args=[order.pk])).status_code == 403
    assert client.post(reverse("orders:cancel", args=[order.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("orders:edit", args=[order.pk])).status_code == 403
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.DRAFT


def test_a_deep_page_and_the_estimated_count_show_the_same_orders(
    client, make_user, warehouse, widget, monkeypatch, django_assert_max_num_queries
):
    """Past `DEFERRED_JOIN_FROM` rows a page reads its ids from the ordering index, then those
    orders; unfiltered, past `ESTIMATE_FROM` rows the header says "about" the planner's count
    (decision 0069). Both forced here on three orders."""
    from o2c import tables

    login(client, make_user, "finance")
    customers = [a_customer(f"D{index}") for index in range(3)]
    for index, buyer in enumerate(customers):
        place(buyer, warehouse, widget, str(index + 1), submit=index == 1)
    url = reverse("orders:list")
    plain = [order.pk for order in client.get(url, {"sort": "-total"}).context["page"]]
    monkeypatch.setattr(tables, "DEFERRED_JOIN_FROM", 0)
    monkeypatch.setattr(tables, "ESTIMATE_FROM", 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_salesorder")
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'orders_salesorder'::regclass")
        (estimate,) = cursor.fetchone()
    with django_assert_max_num_queries(9):
        response = client.get(url, {"sort": "-total"})
    assert [order.pk for order in response.context["page"]] == plain and len(plain) == 3
    assert response.context["table"].paginator.estimated is (estimate >= 0)
    if estimate >= 0:
        assert f"about {estimate} order" in response.content.decode()
    filtered = client.get(url, {"customer": "D1"})
    assert filtered.context["table"].paginator.estimated is False
    assert [order.customer.code for order in filtered.context["page"]] == ["D1"]
