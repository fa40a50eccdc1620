"""Scenario: every document links to its related documents, and goods never leave without an
address (decision record 0025).

An order ships, is invoiced, partly disputed, credited and paid: the order, shipment, invoice,
credit note and dispute pages link to one another, and the API names the related ids, with list
endpoints whose query count does not grow with the page. A customer without a shipping address
gets its goods at the billing address, and the pages say so; one without any address cannot ship.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from fulfillment.models import Shipment
from invoicing.models import Invoice
from o2c import pipeline
from o2c.errors import Conflict
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def goods():
    machine = a_product(sku="ESP", price="100.00", tax_rate="19.00", cost="50.00")
    stock(machine, "50")
    return machine


def _ship(order):
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    return shipment


@pytest.fixture
def story(goods):
    customer = a_customer(credit_limit="100000.00")
    order = an_order(customer, line(goods, "2"), submit=True)
    shipment = _ship(order)
    invoice = Invoice.objects.get(shipment=shipment)
    dispute = pipeline.dispute_open(invoice_id=invoice.pk, amount="20.00", reason="pricing", by=None)
    note = pipeline.dispute_resolve(
        dispute_id=dispute.pk, outcome="credit_note", note="ok", by=None
    ).credit_note
    payment = pipeline.payment_record(
        customer_id=customer.pk, amount=invoice.total - note.total, received_on=invoice.issue_date
    )
    return {
        "order": order,
        "shipment": shipment,
        "invoice": invoice,
        "dispute": dispute,
        "note": note,
        "payment": payment,
    }


def test_the_pages_link_every_related_document(client, make_user, story):
    client.force_login(make_user("finance"))
    order, shipment, invoice = story["order"], story["shipment"], story["invoice"]
    dispute, note, payment = story["dispute"], story["note"], story["payment"]
    order_page = client.get(reverse("orders:detail", args=[order.pk])).text
    for url in (
        reverse("fulfillment:shipment", args=[shipment.pk]),
        reverse("invoicing:detail", args=[invoice.pk]),
        reverse("invoicing:credit-note-detail", args=[note.pk]),
        reverse("receivables:payment-detail", args=[payment.pk]),
        reverse("receivables:dispute-detail", args=[dispute.pk]),
    ):
        assert f'href="{url}"' in order_page, url

    invoice_page = client.get(reverse("invoicing:detail", args=[invoice.pk])).text
    for url in (
        reverse("orders:detail", args=[order.pk]),
        reverse("fulfillment:shipment", args=[shipment.pk]),
        reverse("invoicing:credit-note-detail", args=[note.pk]),
        reverse("receivables:payment-detail", args=[payment.pk]),
        reverse("receivables:dispute-detail", args=[dispute.pk]),
    ):
        assert f'href="{url}"' in invoice_page, url

    note_page = client.get(reverse("invoicing:credit-note-detail", args=[note.pk])).text
    for url in (
        reverse("invoicing:detail", args=[invoice.pk]),
        reverse("orders:detail", args=[order.pk]),
        reverse("receivables:dispute-detail", args=[dispute.pk]),
    ):
        assert f'href="{url}"' in note_page, url

    dispute_page = client.get(reverse("receivables:dispute-detail", args=[dispute.pk])).text
    assert f'href="{reverse("invoicing:credit-note-detail", args=[note.pk])}"' in dispute_page
    shipment_page = client.get(reverse("fulfillment:shipment", args=[shipment.pk])).text
    assert f'href="{reverse("invoicing:credit-note-detail", args=[note.pk])}"' in shipment_page
    payment_page = client.get(reverse("receivables:payment-detail", args=[payment.pk])).text
    assert f'href="{reverse("invoicing:detail", args=[invoice.pk])}"' in payment_page


def test_the_api_names_the_related_ids(api_client_for, story):
    finance = api_client_for("finance")
    order, shipment, invoice = story["order"], story["shipment"], story["invoice"]
    dispute, note, payment = story["dispute"], story["note"], story["payment"]
    order_body = finance.get(f"/api/v1/orders/{order.pk}/").json()
    assert (
        order_body["shipments"],
        order_body["invoices"],
        order_body["credit_notes"],
        order_body["payments"],
    ) == ([shipment.pk], [invoice.pk], [note.pk], [payment.pk])
    invoice_body = finance.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (invoice_body["order"], invoice_body["shipment"]) == (order.pk, shipment.pk)
    assert (invoice_body["credit_notes"], invoice_body["payments"], invoice_body["disputes"]) == (
        [note.pk],
        [payment.pk],
        [dispute.pk],
    )
    assert finance.get(f"/api/v1/payments/{payment.pk}/").json()["invoices"] == [invoice.pk]
    note_body = finance.get(f"/api/v1/credit-notes/{note.pk}/").json()
    assert (note_body["invoice"], note_body["dispute"], note_body["order"]) == (
        invoice.pk,
        dispute.pk,
        order.pk,
    )
    dispute_body = finance.get(f"/api/v1/disputes/{dispute.pk}/").json()
    assert (dispute_body["invoice"], dispute_body["credit_note"]) == (invoice.pk, note.pk)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orders/",
        "/api/v1/invoices/",
        "/api/v1/credit-notes/",
        "/api/v1/payments/",
        "/api/v1/disputes/",
    ],
)
def test_list_endpoints_with_related_ids_stay_free_of_n_plus_1(
    api_client_for, goods, url, django_assert_max_num_queries
):
    finance = api_client_for("finance")

    def a_story():
        customer = a_customer(credit_limit="100000.00")
        order = an_order(customer, line(goods, "1"), submit=True)
        invoice = Invoice.objects.get(shipment=_ship(order))
        dispute = pipeline.dispute_open(invoice_id=invoice.pk, amount="5.00", reason="pricing", by=None)
        pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="credit_note", note="ok", by=None)
        pipeline.payment_record(customer_id=customer.pk, amount="10.00", received_on=invoice.issue_date)

    a_story()
    with django_assert_max_num_queries(15) as few:
        assert finance.get(url).status_code == 200
    for _ in range(3):
        a_story()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(finance.get(url).json()["results"]) == 4


def test_goods_ship_to_the_billing_address_and_the_pages_say_so(client, make_user, goods):
    customer = a_customer(
        credit_limit="1000.00", shipping_address="", billing_address="Acme\nHafen 1\n20457 Hamburg"
    )
    order = an_order(customer, line(goods, "1"), submit=True)
    assert order.ship_to == ""
    client.force_login(make_user("manager"))
    order_page = client.get(reverse("orders:detail", args=[order.pk])).text
    assert 'data-testid="address-fallback"' in order_page and "ships to the billing address" in order_page
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    assert shipment.ship_to == "Acme\nHafen 1\n20457 Hamburg"
    pick_list = client.get(reverse("fulfillment:pick-list", args=[shipment.pk])).text
    assert "Ships to the billing address" in pick_list and "Hafen 1" in pick_list
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    assert Shipment.objects.get(pk=shipment.pk).status == "shipped"


def test_without_any_address_nothing_ships(api_client_for, goods):
    customer = a_customer(credit_limit="1000.00", shipping_address="", billing_address="")
    order = an_order(customer, line(goods, "1"), submit=True)
    with pytest.raises(Conflict) as refused:
        pipeline.shipment_create(order_id=order.pk, by=None)
    assert (refused.value.code, refused.value.field) == ("no_delivery_address", "ship_to")

    warehouse = api_client_for("warehouse")
    response = warehouse.post("/api/v1/shipments/", {"order": order.pk}, format="json")
    assert response.status_code == 409 and "ship_to" in response.json()
    assert not Shipment.objects.exists()


def test_a_pick_list_made_before_addresses_were_kept_is_refused_at_shipping(goods):
    # A shipment row from before this change has no ship_to; the order lost its address since.
    customer = a_customer(credit_limit="1000.00", shipping_address="Dock 1", billing_address="")
    order = an_order(customer, line(goods, "1"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    Shipment.objects.filter(pk=shipment.pk).update(ship_to="")
    type(order).objects.filter(pk=order.pk).update(ship_to="")
    type(customer).objects.filter(pk=customer.pk).update(shipping_address="")
    with pytest.raises(Conflict) as refused:
        pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    assert refused.value.code == "no_delivery_address"
    assert Shipment.objects.get(pk=shipment.pk).status == "packed"


def test_a_return_and_a_quotation_are_linked_both_ways(api_client_for, client, make_user, goods):
    """Decision 0063: order ↔ quotation, order ↔ return ↔ credit note, by id in the API and on
    the credit note's page."""
    from quotations import services as quotations

    customer = a_customer(credit_limit="100000.00")
    quotation = quotations.quotation_create(customer_id=customer.pk, lines=[line(goods, "2")])
    quotations.quotation_send(quotation_id=quotation.pk, by=None)
    order = pipeline.quotation_accept(quotation_id=quotation.pk, by=None)
    _ship(order)
    rma = pipeline.return_request(order_id=order.pk, lines=[_one_back(order)], reason="one too many", by=None)
    pipeline.return_receive(return_id=rma.pk, by=None)
    note = rma.credit_notes.get()

    sales = api_client_for("sales")
    order_body = sales.get(f"/api/v1/orders/{order.pk}/").json()
    assert (order_body["quotation"], order_body["returns"], order_body["credit_notes"]) == (
        quotation.pk,
        [rma.pk],
        [note.pk],
    )
    assert sales.get(f"/api/v1/returns/{rma.pk}/").json()["credit_notes"] == [note.pk]
    note_body = sales.get(f"/api/v1/credit-notes/{note.pk}/").json()
    assert (note_body["returns"], note_body["order"]) == ([rma.pk], order.pk)
    assert sales.get("/api/v1/orders/").json()["results"][0]["returns"] == [rma.pk]

    client.force_login(make_user("warehouse", "clerk"))
    page = client.get(reverse("invoicing:credit-note-detail", args=[note.pk])).content.decode()
    assert 'data-testid="return-link"' in page and rma.number in page


def _one_back(order):
    from returns.services import ReturnLineInput

    return ReturnLineInput(order.lines.get().pk, D("1"))
