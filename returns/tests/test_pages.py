"""Return pages: from the order page to a received return, the list with its exports, the slip."""

from decimal import Decimal

import pytest
from django.urls import reverse

from o2c import pipeline
from returns.models import Return
from returns.services import ReturnLineInput
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def order():
    gadget = a_product(price="20.00", tax_rate="19.00", cost="8.00")
    stock(gadget, "3")
    order = an_order(a_customer(credit_limit="1000.00"), line(gadget, "3"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    return order


def test_from_the_order_page_to_a_received_return(client, make_user, order):
    order_line = order.lines.get()
    client.force_login(make_user("sales"))
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert reverse("returns:create", args=[order.pk]) in page

    refused = client.post(
        reverse("returns:create", args=[order.pk]), {f"quantity_{order_line.pk}": "5", "reason": "too many"}
    )
    assert refused.status_code == 200 and "At most 3" in refused.content.decode()
    created = client.post(
        reverse("returns:create", args=[order.pk]),
        {f"quantity_{order_line.pk}": "2", f"restock_{order_line.pk}": "on", "reason": "too many"},
    )
    rma = Return.objects.get()
    assert created.status_code == 302 and created.url == reverse("returns:detail", args=[rma.pk])

    client.force_login(make_user("warehouse"))
    detail = client.get(reverse("returns:detail", args=[rma.pk])).content.decode()
    assert 'data-testid="receive-form"' in detail and order.number in detail
    line_id = rma.lines.get().pk
    bad = client.post(reverse("returns:receive", args=[rma.pk]), {f"quantity_{line_id}": "9"})
    assert bad.status_code == 400
    received = client.post(
        reverse("returns:receive", args=[rma.pk]), {f"quantity_{line_id}": "2", f"restock_{line_id}": "on"}
    )
    assert received.status_code == 302
    rma.refresh_from_db()
    assert rma.status == "received"
    detail = client.get(reverse("returns:detail", args=[rma.pk])).content.decode()
    note = rma.credit_notes.get()
    assert note.number in detail and 'data-testid="shipment-link"' in detail


def test_the_list_exports_and_the_slip(client, make_user, order, django_assert_max_num_queries):
    for _ in range(3):  # the list's queries do not grow with its rows
        pipeline.return_request(
            order_id=order.pk,
            lines=[ReturnLineInput(order.lines.get().pk, D("1"))],
            reason="scratched",
            by=None,
        )
    client.force_login(make_user("warehouse"))
    with django_assert_max_num_queries(12):
        listed = client.get(reverse("returns:list"))
    assert listed.status_code == 200 and "RMA-" in listed.content.decode()
    csv = client.get(reverse("returns:list"), {"export": "csv"})
    assert csv.status_code == 200 and b"scratched" in b"".join(csv.streaming_content)
    xlsx = client.get(reverse("returns:list"), {"export": "xlsx"})
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    assert xlsx.status_code == 200 and content[:2] == b"PK"
    rma = Return.objects.first()
    pdf = client.get(reverse("returns:pdf", args=[rma.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
