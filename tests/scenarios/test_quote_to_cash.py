"""Scenario: lead to cash with a price list, a quotation and a cash discount, worked by hand; the
books in step after every step (trial balance balanced, receivables = open items).

Widgets cost 6.00 and sell at 10.00 + 19 %; the dealers' price list has 9.50 from 1 and 9.25 from
20. Gadgets cost 5.00, sell at 12.50 + 7 % and are not on the list. The customer (dealers' list,
2 % within 10 days, net 30) is quoted:

    20 widgets   price list 9.25   net 185.00   tax 35.15
     2 gadgets   product   12.50   net  25.00   tax  1.75
     1 widget    manual     8.00   net   8.00   tax  1.52
    quotation / order / invoice    net 218.00   tax 38.42   total 256.42

Cash discount per rate, 2 % of the gross at each rate, rounded half-up; net = gross × 100 / (100 + rate):
    19 %: 229.67 × 2 % = 4.5934 → 4.59; net 4.59 × 100 / 119 = 3.857 → 3.86; tax 0.73
     7 %:  26.75 × 2 % = 0.535  → 0.54; net 0.54 × 100 / 107 = 0.5047 → 0.50; tax 0.04
    discount 5.13 (net 4.36, tax 0.77); paid in time 256.42 − 5.13 = 251.29.
Cost of goods sold 21 × 6.00 + 2 × 5.00 = 136.00.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.models import Invoice
from ledger.selectors import account_balance
from o2c import pipeline
from pricing.services import ItemInput, price_list_create
from quotations import services as quotations
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, a_warehouse, line, stock

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_quotation_priced_from_the_list_becomes_an_invoice_paid_with_the_discount():
    a_warehouse()
    widget = a_product(price="10.00", tax_rate="19.00", cost="6.00")
    gadget = a_product(price="12.50", tax_rate="7.00", cost="5.00")
    stock(widget, "100")
    stock(gadget, "10")
    dealers = price_list_create(
        name="Dealers",
        currency="EUR",
        items=[ItemInput(widget.pk, D("1"), D("9.50")), ItemInput(widget.pk, D("20"), D("9.25"))],
    )
    customer = a_customer(
        credit_limit="5000.00",
        price_list=dealers.pk,
        payment_terms_days=30,
        discount_percent="2.00",
        discount_days=10,
    )
    inventory_before = account_balance(key="inventory")

    quotation = quotations.quotation_create(
        customer_id=customer.pk,
        lines=[line(widget, "20"), line(gadget, "2"), line(widget, "1", price="8.00")],
    )
    assert [
        (row.unit_price, row.price_source, row.net_amount, row.tax_amount) for row in quotation.lines.all()
    ] == [
        (D("9.25"), "price_list", D("185.00"), D("35.15")),
        (D("12.50"), "product", D("25.00"), D("1.75")),
        (D("8.00"), "manual", D("8.00"), D("1.52")),
    ]
    assert (quotation.net_total, quotation.tax_total, quotation.total) == (
        D("218.00"),
        D("38.42"),
        D("256.42"),
    )
    quotations.quotation_send(quotation_id=quotation.pk, by=None)
    assert_books_in_step()  # a quotation posts nothing

    order = pipeline.quotation_accept(quotation_id=quotation.pk, by=None)
    assert order.status == "open" and order.total == D("256.42")
    assert [row.price_source for row in order.lines.order_by("position")] == [
        "price_list",
        "product",
        "manual",
    ]
    assert_books_in_step()

    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    invoice = Invoice.objects.get(order=order)
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (D("218.00"), D("38.42"), D("256.42"))
    assert invoice.discount_amount == D("5.13")
    assert account_balance(key="receivables") == D("256.42")
    assert account_balance(key="cogs") == D("136.00")
    assert account_balance(key="inventory") - inventory_before == D("-136.00")
    assert_books_in_step()

    pipeline.payment_record(
        customer_id=customer.pk, amount="251.29", reference=invoice.number, received_on=timezone.localdate()
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_discounted) == ("paid", D("0.00"), D("5.13"))
    assert account_balance(key="sales_discounts") == D("4.36")
    assert account_balance(key="vat_payable") == D("-37.65")  # 38.42 − 0.77
    assert account_balance(key="revenue") == D("-218.00")
    assert account_balance(key="receivables") == D("0.00")
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert_books_in_step()
