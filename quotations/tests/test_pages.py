"""The quotation pages (entry on the order entry component, list with CSV, detail with actions
and links) and the price list pages; the live preview shows where each price comes from."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.tests.pages import LINES, entry_data, login, text_of
from pricing.models import PriceList
from pricing.services import ItemInput, price_list_create
from quotations import services
from quotations.models import Quotation
from tests.builders import a_customer, a_product, a_warehouse, line, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    warehouse = a_warehouse()
    widget = a_product(sku="WID-1", price="10.00", tax_rate="19.00")
    stock(widget, "20")
    dealers = price_list_create(
        name="Dealers", currency="EUR", items=[ItemInput(widget.pk, Decimal("5"), Decimal("9.00"))]
    )
    customer = a_customer(credit_limit="1000.00", price_list=dealers.pk)
    return {"warehouse": warehouse, "widget": widget, "customer": customer, "dealers": dealers}


@pytest.mark.parametrize(
    ("role", "status"), [("sales", 200), ("manager", 200), ("warehouse", 403), ("finance", 403)]
)
def test_quotation_pages_are_for_sales(client, make_user, world, role, status):
    login(client, make_user, role)
    assert client.get(reverse("quotations:create")).status_code == status
    assert client.get(reverse("quotations:list")).status_code == status


def test_entry_preview_marks_price_sources_and_saves_a_quotation(client, make_user, world):
    login(client, make_user)
    w = world
    data = entry_data(
        w["customer"],
        w["warehouse"],
        (w["widget"].pk, "5", "", ""),
        (w["widget"].pk, "4", "", ""),
        (w["widget"].pk, "1", "7.50", ""),
    )
    preview = client.post(LINES, data)
    assert [text_of(preview, f"line-{key}-price-source") for key in (1, 2, 3)] == [
        "price list 9.00",
        "product price",
        "manual",
    ]
    assert text_of(preview, "total-net") == "92.50"  # 45.00 + 40.00 + 7.50

    page = client.get(reverse("quotations:create"))
    assert b"New quotation" in page.content and b"Valid until" in page.content and b"Alt+N" in page.content
    data["valid_until"] = "2200-01-31"
    saved = client.post(reverse("quotations:create"), data)
    quotation = Quotation.objects.get()
    assert saved.status_code == 302 and saved["Location"] == reverse("quotations:detail", args=[quotation.pk])
    assert quotation.net_total == Decimal("92.50") and str(quotation.valid_until) == "2200-01-31"
    assert [row.price_source for row in quotation.lines.all()] == ["price_list", "product", "manual"]

    edit = client.get(reverse("quotations:edit", args=[quotation.pk]))
    assert edit.status_code == 200 and f"Edit {quotation.number}".encode() in edit.content


def test_detail_actions_accept_links_the_order(client, make_user, world):
    login(client, make_user)
    quotation = services.quotation_create(
        customer_id=world["customer"].pk, lines=[line(world["widget"], "5")]
    )
    url = reverse("quotations:detail", args=[quotation.pk])
    page = client.get(url)
    assert (
        text_of(page, "quotation-status").lower() == "draft" and 'data-testid="send"' in page.content.decode()
    )
    client.post(reverse("quotations:send", args=[quotation.pk]))
    client.post(reverse("quotations:accept", args=[quotation.pk]))
    quotation.refresh_from_db()
    assert quotation.status == "accepted"
    page = client.get(url)
    assert text_of(page, "order-link") == quotation.order.number
    order_page = client.get(reverse("orders:detail", args=[quotation.order_id]))
    assert text_of(order_page, "quotation-link") == quotation.number
    assert "price list" in text_of(order_page, "price-source")
    assert client.get(reverse("quotations:pdf", args=[quotation.pk])).content.startswith(b"%PDF")


def test_decline_from_the_page_and_list_exports(client, make_user, world):
    login(client, make_user)
    quotation = services.quotation_create(
        customer_id=world["customer"].pk, lines=[line(world["widget"], "1")]
    )
    client.post(reverse("quotations:decline", args=[quotation.pk]), {"reason": ""})
    assert Quotation.objects.get().status == "draft"
    client.post(reverse("quotations:decline", args=[quotation.pk]), {"reason": "no budget"})
    assert Quotation.objects.get().decline_reason == "no budget"
    listing = client.get(reverse("quotations:list"), {"status": "declined"})
    assert quotation.number in listing.content.decode()
    csv = client.get(reverse("quotations:list"), {"export": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert csv.status_code == 200 and quotation.number in body and "no budget" in body
    assert client.get(reverse("quotations:list"), {"export": "xlsx"}).status_code == 200


def test_price_list_pages_for_managers(client, make_user, world):
    login(client, make_user, "sales")
    assert client.get(reverse("pricing:list")).status_code == 403
    login(client, make_user, "manager")
    assert "Dealers" in client.get(reverse("pricing:list")).content.decode()
    bad = client.post(reverse("pricing:create"), {"name": "Retail", "currency": "EUR", "breaks": "NOPE 1 2"})
    assert bad.status_code == 200 and "no product NOPE" in text_of(bad, "error-breaks")
    client.post(
        reverse("pricing:create"),
        {"name": "Retail", "currency": "EUR", "breaks": "WID-1 0 9.80\nWID-1 10 9.60"},
    )
    retail = PriceList.objects.get(name="Retail")
    assert [(i.min_quantity, i.unit_price) for i in retail.items.all()] == [
        (Decimal("0"), Decimal("9.80")),
        (Decimal("10"), Decimal("9.60")),
    ]
    edit = client.get(reverse("pricing:edit", args=[retail.pk]))
    assert "WID-1 10 9.60" in edit.content.decode()
    client.post(
        reverse("pricing:edit", args=[retail.pk]),
        {"name": "Retail", "currency": "EUR", "valid_to": "2200-01-01", "breaks": "WID-1 1 9.70"},
    )
    retail.refresh_from_db()
    assert str(retail.valid_to) == "2200-01-01" and retail.items.get().unit_price == Decimal("9.70")
    exported = client.get(reverse("pricing:list"), {"export": "csv"})
    assert "Retail,EUR,,2200-01-01,WID-1,1.000,9.70" in b"".join(exported.streaming_content).decode()


def test_the_customer_accepts_through_the_portal(client, world):
    from receivables.portal.services import portal_link_create

    customer, other = world["customer"], a_customer()
    mine = services.quotation_create(customer_id=customer.pk, lines=[line(world["widget"], "5")])
    draft = services.quotation_create(customer_id=customer.pk, lines=[line(world["widget"], "1")])
    theirs = services.quotation_create(customer_id=other.pk, lines=[line(world["widget"], "1")])
    for quotation in (mine, theirs):
        services.quotation_send(quotation_id=quotation.pk, by=None)
    token = portal_link_create(customer_id=customer.pk).token
    overview = client.get(reverse("portal:overview", args=[token]))
    listed = overview.content.decode()
    assert mine.number in listed and draft.number not in listed and theirs.number not in listed
    assert client.get(reverse("portal:quotation-pdf", args=[token, mine.pk])).content.startswith(b"%PDF")
    assert client.get(reverse("portal:quotation-pdf", args=[token, theirs.pk])).status_code == 404
    assert client.post(reverse("portal:quotation-accept", args=[token, theirs.pk])).status_code == 404
    assert client.get(reverse("portal:quotation-accept", args=[token, mine.pk])).status_code == 405

    accepted = client.post(reverse("portal:quotation-accept", args=[token, mine.pk]), follow=True)
    mine.refresh_from_db()
    assert mine.status == "accepted" and mine.order.status == "open"  # 5 × 9.00 + 19 % within the limit
    assert f"accepted as order {mine.order.number}" in text_of(accepted, "portal-message")
    assert mine.events.get(to_status="accepted").detail == f"order {mine.order.number} (customer portal)"
    assert Quotation.objects.get(pk=theirs.pk).status == "sent"


def test_a_manager_picks_the_customer_price_list_on_its_page(client, make_user, world):
    customer = a_customer(credit_limit="100.00", code="PICK-1")
    url = reverse("customers:edit", args=[customer.pk])
    login(client, make_user, "sales")
    assert re.search(r'<select name="price_list"[^>]*disabled', client.get(url).content.decode())
    login(client, make_user, "manager")
    page = client.get(url).content.decode()
    assert "Dealers (EUR)" in page
    data = {
        "code": "PICK-1",
        "name": customer.name,
        "email": customer.email,
        "currency": "EUR",
        "payment_terms_days": "30",
        "credit_limit": "100.00",
        "dunning_enabled": "on",
        "language": "en",
        "price_list": str(world["dealers"].pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    customer.refresh_from_db()
    assert customer.price_list_id == world["dealers"].pk
