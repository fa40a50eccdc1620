"""The order entry page with its live preview, and editing a draft.

State is built through the services and the pipeline, never by writing rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import StockLevel
from o2c import pipeline
from orders.models import SalesOrder
from orders.services import LineInput
from orders.tests.pages import LINES, NEW, a_customer, entry_data, login, place, text_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, status", [("sales", 200), ("manager", 200), ("warehouse", 403), ("finance", 403)]
)
def test_the_entry_page_is_for_sales(client, make_user, warehouse, role, status):
    login(client, make_user, role)
    response = client.get(NEW)
    assert response.status_code == status
    if status == 200:
        assert b"New sales order" in response.content
        assert b"Alt+N" in response.content  # the shortcuts are written on the page


def test_the_entry_page_needs_a_login(client):
    assert client.get(NEW).status_code == 302


def test_the_preview_prices_a_line_as_the_service_will(client, make_user, warehouse, widget):
    """3 × 19.99 less 12.5 % = 52.47 net; 19 % tax 9.97; 62.44 gross — rounded once per line."""
    login(client, make_user)
    customer = a_customer(credit_limit="100.00")
    response = client.post(LINES, entry_data(customer, warehouse, (widget.pk, "3", "19.99", "12.5")))
    assert response.status_code == 200
    assert 'id="line-1-net" data-testid="line-net" hx-swap-oob="true"' in response.content.decode()
    lines = [text_of(response, f"line-1-{figure}") for figure in ("net", "tax", "total")]
    assert lines == ["52.47", "9.97", "62.44"]
    totals = [text_of(response, f"total-{figure}") for figure in ("net", "tax", "gross")]
    assert totals == ["52.47", "9.97", "62.44 EUR"]
    assert text_of(response, "headroom-after") == "37.56"
    assert text_of(response, "line-1-status") == "in stock 10 available"  # 10 on hand, 3 wanted

    # the stored order carries exactly the previewed amounts
    response = client.post(NEW, entry_data(customer, warehouse, (widget.pk, "3", "19.99", "12.5")))
    order = SalesOrder.objects.get()
    assert (order.net_total, order.tax_total, order.total) == (
        Decimal("52.47"),
        Decimal("9.97"),
        Decimal("62.44"),
    )


def test_the_preview_shows_availability_and_service_lines(client, make_user, warehouse, widget, consulting):
    login(client, make_user)
    customer = a_customer()
    data = entry_data(
        customer,
        warehouse,
        (widget.pk, "4", "", ""),
        (widget.pk, "12", "", ""),
        (consulting.pk, "2", "", ""),
    )
    response = client.post(LINES, data)
    assert [text_of(response, f"line-{key}-status") for key in (1, 2, 3)] == [
        "in stock 10 available",
        "partly: 10 available",
        "service",
    ]
    # an empty price is the list price, as the service will take it
    assert text_of(response, "line-3-net") == "240.00"
    pipeline.order_place(
        by=None,
        submit=True,
        customer_id=customer.pk,
        lines=[LineInput(product_id=widget.pk, quantity=Decimal("10"))],
        warehouse_id=warehouse.pk,
    )
    response = client.post(LINES, entry_data(customer, warehouse, (widget.pk, "1", "", "")))
    assert text_of(response, "line-1-status") == "backorder"


def test_the_preview_answers_with_figures_only_and_counts_a_row_once(client, make_user, warehouse, widget):
    """Inputs are never swapped (what is typed meanwhile would be lost); a row posted twice, as a
    browser may while it replaces a part of the page, is counted once."""
    login(client, make_user)
    data = entry_data(a_customer(), warehouse, (widget.pk, "1", "5.00", ""))
    for name in (
        "line_key",
        "line_product",
        "line_product_query",
        "line_quantity",
        "line_unit_price",
        "line_discount",
    ):
        data[name] = data[name] * 2
    response = client.post(LINES, data)
    html = response.content.decode()
    assert "<input" not in html and 'hx-swap-oob="true"' in html
    assert text_of(response, "total-net") == "5.00"


def test_the_page_carries_the_markup_of_a_new_line(client, make_user, warehouse):
    login(client, make_user)
    html = client.get(NEW).content.decode()
    template = html.split('<template id="line-template">')[1].split("</template>")[0]
    assert 'id="line-__KEY__-product-query"' in template and 'name="line_quantity"' in template


def test_search_finds_customers_and_products(client, make_user, warehouse, widget):
    login(client, make_user)
    a_customer("ACME")
    a_customer("BOLT", name="Bolt & Nut AG")
    found = client.get(reverse("orders:customer-search"), {"customer_query": "bolt"})
    assert b"Bolt &amp; Nut AG" in found.content and b"ACME" not in found.content
    products = client.get(
        reverse("orders:product-search"), {"line_product_query": "wid", "warehouse": warehouse.pk, "row": "1"}
    )
    assert b"WID-100" in products.content and b"10 available" in products.content


def test_save_draft_creates_a_draft(client, make_user, warehouse, widget):
    user = login(client, make_user)
    customer = a_customer()
    response = client.post(
        NEW, entry_data(customer, warehouse, (widget.pk, "2", "", "10"), customer_reference="PO-778")
    )
    order = SalesOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("orders:detail", args=[order.pk])
    assert order.status == SalesOrder.Status.DRAFT
    assert (order.customer_reference, order.ship_to, order.created_by) == ("PO-778", "Dock 7", user)
    assert order.lines.get().net_amount == Decimal("35.98")  # 2 × 19.99 less 10 %
    page = client.get(response.url)
    assert f"{order.number} saved as a draft" in page.content.decode()


def test_save_and_submit_over_the_limit_goes_on_hold_with_the_reason(client, make_user, warehouse, widget):
    login(client, make_user)
    customer = a_customer(credit_limit="50.00")
    response = client.post(
        NEW, entry_data(customer, warehouse, (widget.pk, "3", "", ""), submit="1"), follow=True
    )
    order = SalesOrder.objects.get()
    assert order.status == SalesOrder.Status.ON_HOLD
    # 3 × 19.99 = 59.97 net + 11.39 tax = 71.36 gross against a 50.00 limit
    assert f"{order.number} on credit hold: limit exceeded by 21.36 EUR" in response.content.decode()


def test_save_and_submit_within_the_limit_is_approved_and_reserves(client, make_user, warehouse, widget):
    login(client, make_user)
    customer = a_customer(credit_limit="1000.00")
    response = client.post(
        NEW, entry_data(customer, warehouse, (widget.pk, "3", "", ""), submit="1"), follow=True
    )
    order = SalesOrder.objects.get()
    assert order.status == SalesOrder.Status.OPEN
    assert f"{order.number} approved" in response.content.decode()
    assert StockLevel.objects.get(product=widget).reserved == Decimal("3")


@pytest.mark.parametrize(
    "lines, error",
    [
        ([], "an order needs at least one line"),
        ([("widget", "0", "", "")], "the quantity must be positive"),
        ([(999_999, "1", "", "")], "product 999999 does not exist"),
        ([("widget", "lots", "", "")], "is not a number"),
        ([(None, "2", "", "")], "pick a product"),
        ([("widget", "1", "", "150")], "the discount is between 0 and 100"),
    ],
    ids=["no-lines", "zero-quantity", "unknown-product", "text-quantity", "no-product", "discount"],
)
def test_bad_lines_re_render_with_the_error_and_save_nothing(
    client, make_user, warehouse, widget, lines, error
):
    login(client, make_user)
    customer = a_customer()
    lines = [(widget.pk if product == "widget" else product, *rest) for product, *rest in lines]
    response = client.post(NEW, entry_data(customer, warehouse, *lines, submit="1"))
    assert response.status_code == 200
    assert error in response.context["form"].lines_errors[0]
    assert 'data-testid="error-lines"' in response.content.decode()
    assert not SalesOrder.objects.exists()


def test_header_errors_are_shown_next_to_their_field(client, make_user, warehouse, widget):
    login(client, make_user)
    line = (widget.pk, "1", "", "")
    no_customer = client.post(NEW, entry_data(None, warehouse, line))
    assert no_customer.context["form"].errors["customer"] == ["Pick a customer from the list."]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    past = client.post(NEW, entry_data(a_customer(), warehouse, line, requested_delivery_date=yesterday))
    assert past.context["form"].errors["requested_delivery_date"] == [
        "the requested delivery date is in the past"
    ]
    assert 'data-testid="error-requested_delivery_date"' in past.content.decode()
    dollars = client.post(NEW, entry_data(a_customer("YANK", currency="USD"), warehouse, line))
    assert "no exchange rate USD/EUR" in dollars.context["form"].errors["customer"][0]
    assert not SalesOrder.objects.exists()


def test_the_customer_panel_shows_the_credit_position(client, make_user, warehouse, widget):
    login(client, make_user)
    customer = a_customer(credit_limit="500.00")
    place(customer, warehouse, widget, "5", submit=True)  # 118.94 gross, open
    response = client.post(LINES, entry_data(customer, warehouse, (widget.pk, "1", "", "")))
    assert (text_of(response, "exposure"), text_of(response, "headroom")) == ("118.94", "381.06")
    assert text_of(response, "headroom-after") == "357.27"  # less this order's 23.79
    blocked = a_customer("STOP", blocked=True)
    response = client.post(LINES, entry_data(blocked, warehouse, (widget.pk, "1", "", "")))
    assert text_of(response, "blocked") == "Blocked" and text_of(response, "headroom") == "no limit"


# --- editing a draft ----------------------------------------------------------------------------


def test_edit_replaces_the_lines_of_a_draft(client, make_user, warehouse, widget, consulting):
    login(client, make_user)
    customer = a_customer()
    order = place(customer, warehouse, widget, "2")
    edit = reverse("orders:edit", args=[order.pk])
    page = client.get(edit)
    assert page.status_code == 200 and b"WID-100" in page.content
    response = client.post(edit, entry_data(customer, warehouse, (consulting.pk, "1.5", "100.00", "")))
    assert response.status_code == 302
    order.refresh_from_db()
    assert [line.product_id for line in order.lines.all()] == [consulting.pk]
    assert order.total == Decimal("178.50")


def test_a_submitted_order_cannot_be_edited(client, make_user, warehouse, widget):
    login(client, make_user)
    order = place(a_customer(), warehouse, widget, "1", submit=True)
    response = client.get(reverse("orders:edit", args=[order.pk]), follow=True)
    assert "can no longer be edited" in response.content.decode()
