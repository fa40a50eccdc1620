"""The shipment, invoice and credit-note API of API.md."""

from decimal import Decimal

import pytest

from invoicing.models import CreditNote, Invoice
from tests.builders import a_customer, a_product, an_order, line, stock
from tests.errors import error_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_order():
    machine = a_product(sku="ESP", price="1290.00", tax_rate="19.00", cost="780.00")
    install = a_product(sku="SVC", price="95.00", tax_rate="7.00", kind="service")
    stock(machine, "5")
    return an_order(a_customer(payment_terms_days=14), line(machine, "2"), line(install, "1"), submit=True)


def ship_all(client, order):
    created = client.post("/api/v1/shipments/", {"order": order.pk}, format="json")
    assert created.status_code == 201, created.content
    shipment = created.json()
    assert shipment["status"] == "picking" and shipment["lines"][0]["quantity"] == "2.000"
    assert (
        client.post(f"/api/v1/shipments/{shipment['id']}/pack/", format="json").json()["status"] == "packed"
    )
    shipped = client.post(
        f"/api/v1/shipments/{shipment['id']}/ship/",
        {"carrier": "DHL", "tracking_number": "JD014600006281230001", "estimated_delivery": "2099-01-10"},
        format="json",
    )
    assert shipped.status_code == 200, shipped.content
    return shipped.json()


def test_ship_and_read_the_invoice(api_client_for, open_order):
    warehouse = api_client_for("warehouse")
    shipment = ship_all(warehouse, open_order)
    assert shipment["status"] == "shipped" and shipment["invoice"] is not None

    invoice = api_client_for("finance").get(f"/api/v1/invoices/{shipment['invoice']}/").json()
    assert invoice["status"] == "open" and invoice["shipment"] == shipment["id"]
    assert (invoice["net_total"], invoice["tax_total"], invoice["total"]) == ("2675.00", "496.85", "3171.85")
    assert invoice["balance"] == "3171.85" and invoice["days_overdue"] == 0
    assert invoice["tax_summary"] == [
        {"tax_rate": "7.00", "net": "95.00", "tax": "6.65"},
        {"tax_rate": "19.00", "net": "2580.00", "tax": "490.20"},
    ]
    assert invoice["pdf_url"].endswith(f"/api/v1/invoices/{invoice['id']}/pdf/")

    delivered = warehouse.post(f"/api/v1/shipments/{shipment['id']}/deliver/", {}, format="json")
    assert delivered.json()["status"] == "delivered" and delivered.json()["late"] is False


def test_shipping_needs_a_carrier_and_the_right_role(api_client_for, open_order):
    assert (
        api_client_for("sales")
        .post("/api/v1/shipments/", {"order": open_order.pk}, format="json")
        .status_code
        == 403
    )
    client = api_client_for("warehouse")
    shipment = client.post("/api/v1/shipments/", {"order": open_order.pk}, format="json").json()
    client.post(f"/api/v1/shipments/{shipment['id']}/pack/", format="json")
    refused = client.post(f"/api/v1/shipments/{shipment['id']}/ship/", {"carrier": ""}, format="json")
    assert refused.status_code == 400 and "carrier" in refused.json() and error_code(refused) == "blank"
    assert Invoice.objects.count() == 0


def test_shipping_more_than_allocated_is_400_and_writes_nothing(api_client_for, open_order):
    machine_line = open_order.lines.get(is_stock=True)
    response = api_client_for("warehouse").post(
        "/api/v1/shipments/",
        {"order": open_order.pk, "lines": [{"order_line": machine_line.pk, "quantity": "3"}]},
        format="json",
    )
    assert response.status_code == 400 and "lines" in response.json()
    assert error_code(response) == "pick_exceeds_allocated"
    unknown = api_client_for("warehouse", "w2").post("/api/v1/shipments/", {"order": 999999}, format="json")
    assert (
        unknown.status_code == 400 and "order" in unknown.json() and error_code(unknown) == "does_not_exist"
    )


def test_credit_notes_through_the_api(api_client_for, open_order):
    shipment = ship_all(api_client_for("warehouse"), open_order)
    finance = api_client_for("finance")
    invoice = finance.get(f"/api/v1/invoices/{shipment['invoice']}/").json()
    machine_line = next(x for x in invoice["lines"] if x["product_sku"] == "ESP")

    by_line = finance.post(
        "/api/v1/credit-notes/",
        {
            "invoice": invoice["id"],
            "reason": "returned",
            "lines": [{"invoice_line": machine_line["id"], "quantity": "1"}],
        },
        format="json",
    )
    assert by_line.status_code == 201 and by_line.json()["total"] == "1535.10"
    too_much = finance.post(
        "/api/v1/credit-notes/",
        {"invoice": invoice["number"], "reason": "x", "amount": "9999.00"},
        format="json",
    )
    assert too_much.status_code == 409 and error_code(too_much) == "credit_exceeds_balance"
    credit_a_credit_note = finance.post(
        "/api/v1/credit-notes/", {"invoice": by_line.json()["number"], "reason": "x"}, format="json"
    )
    assert credit_a_credit_note.status_code == 400 and "invoice" in credit_a_credit_note.json()
    assert error_code(credit_a_credit_note) == "not_an_invoice"
    assert (
        api_client_for("sales")
        .post("/api/v1/credit-notes/", {"invoice": invoice["id"], "reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert CreditNote.objects.count() == 1
    after = finance.get(f"/api/v1/invoices/{invoice['id']}/").json()
    assert (after["amount_credited"], after["balance"]) == ("1535.10", "1636.75")


def test_invoice_list_filters_and_bounded_queries(api_client_for, open_order, django_assert_max_num_queries):
    ship_all(api_client_for("warehouse"), open_order)
    finance = api_client_for("finance")
    assert finance.get("/api/v1/invoices/?overdue=true").json()["count"] == 0
    assert finance.get("/api/v1/invoices/?overdue=false").json()["count"] == 1
    assert finance.get(f"/api/v1/invoices/?customer={open_order.customer_id}").json()["count"] == 1
    with django_assert_max_num_queries(8):
        assert finance.get("/api/v1/invoices/").status_code == 200
    assert Decimal(finance.get("/api/v1/invoices/").json()["results"][0]["total"]) == open_order.total


def test_days_overdue_counts_from_the_due_date(api_client_for, open_order):
    import datetime as dt

    import time_machine

    shipment = ship_all(api_client_for("warehouse"), open_order)
    invoice = Invoice.objects.get(pk=shipment["invoice"])
    finance = api_client_for("finance")
    later = dt.datetime.combine(invoice.due_date + dt.timedelta(days=5), dt.time(12), tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        body = finance.get(f"/api/v1/invoices/{invoice.pk}/").json()
        assert body["days_overdue"] == 5
        assert finance.get("/api/v1/invoices/?overdue=true").json()["count"] == 1


@pytest.mark.parametrize("amount", ["10000000000.00", "9999999999999999.99"])
def test_a_credit_note_beyond_the_amount_bound_is_a_400(api_client_for, open_order, amount):
    shipment = ship_all(api_client_for("warehouse"), open_order)
    response = api_client_for("finance").post(
        "/api/v1/credit-notes/",
        {"invoice": shipment["invoice"], "reason": "x", "amount": amount},
        format="json",
    )
    assert response.status_code == 400 and "amount" in response.json()
    assert error_code(response) == "out_of_range"
    assert not CreditNote.objects.exists()


def test_each_warehouse_step_records_who_did_it(api_client_for, open_order, client):
    """Issue 12: packing and delivering a shipment record who did it, as shipping does; the API
    and the shipment page show them."""
    packer, shipper = api_client_for("warehouse", "wanda"), api_client_for("warehouse", "walt")
    shipment = packer.post("/api/v1/shipments/", {"order": open_order.pk}, format="json").json()
    packed = packer.post(f"/api/v1/shipments/{shipment['id']}/pack/", format="json").json()
    assert packed["packed_by"] == "wanda" and packed["packed_at"] and packed["shipped_by"] is None
    shipped = shipper.post(
        f"/api/v1/shipments/{shipment['id']}/ship/", {"carrier": "DHL"}, format="json"
    ).json()
    assert (shipped["packed_by"], shipped["shipped_by"], shipped["delivered_by"]) == ("wanda", "walt", None)
    manager = api_client_for("manager", "mia")
    delivered = manager.post(f"/api/v1/shipments/{shipment['id']}/deliver/", {}, format="json").json()
    assert (delivered["packed_by"], delivered["shipped_by"], delivered["delivered_by"]) == (
        "wanda",
        "walt",
        "mia",
    )

    client.force_login(manager.user)
    page = client.get(f"/warehouse/shipments/{shipment['id']}/").content.decode()
    assert "by wanda" in page and "by walt" in page and "by mia" in page
