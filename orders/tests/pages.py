"""Helpers of the order page tests: customers, entry form data, page text, placed orders."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

from django.urls import reverse

from customers.services import customer_create
from o2c import pipeline
from orders.services import LineInput

NEW = reverse("orders:create")
LINES = reverse("orders:entry-lines")


def a_customer(code="ACME", credit_limit=None, **fields):
    return customer_create(
        code=code,
        name=fields.pop("name", f"{code} Trading GmbH"),
        email=f"ap@{code.lower()}.example",
        credit_limit=Decimal(credit_limit) if credit_limit is not None else None,
        shipping_address=fields.pop("shipping_address", f"{code} Dock 1\n10115 Berlin"),
        **fields,
    )


def login(client, make_user, role="sales", username=None):
    user = make_user(role, username)
    client.force_login(user)
    return user


def entry_data(customer, warehouse, *lines, submit="0", **header):
    """The entry form as the page posts it: header fields and parallel line lists."""
    data = {
        "customer": str(customer.pk) if customer else "",
        "warehouse": str(warehouse.pk),
        "requested_delivery_date": header.get("requested_delivery_date", ""),
        "customer_reference": header.get("customer_reference", ""),
        "ship_to": header.get("ship_to", "Dock 7"),
        "submit": submit,
        "line_key": [],
        "line_product": [],
        "line_product_query": [],
        "line_quantity": [],
        "line_unit_price": [],
        "line_discount": [],
    }
    for key, (product_id, quantity, price, discount) in enumerate(lines, start=1):
        data["line_key"].append(str(key))
        data["line_product"].append(str(product_id) if product_id else "")
        data["line_product_query"].append("")
        data["line_quantity"].append(quantity)
        data["line_unit_price"].append(price)
        data["line_discount"].append(discount)
    return data


class _TextOf(HTMLParser):
    """The text inside the element whose id or data-testid is `name` (partials carry no context)."""

    def __init__(self, name: str):
        super().__init__()
        self.name, self.depth, self.parts = name, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
        elif self.name in (attrs.get("id"), attrs.get("data-testid")):
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of_html(html: str, name: str) -> str:
    parser = _TextOf(name)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def text_of(response, name: str) -> str:
    return text_of_html(response.content.decode(), name)


def place(customer, warehouse, product, quantity="2", *, submit=False):
    return pipeline.order_place(
        by=None,
        submit=submit,
        customer_id=customer.pk,
        lines=[LineInput(product_id=product.pk, quantity=Decimal(quantity))],
        warehouse_id=warehouse.pk,
    )


# --- entry page ---------------------------------------------------------------------------------
