"""The order confirmation PDF: the order as approved, in the invoice's layout (A4, WeasyPrint,
offline; letterhead, window address, lines, tax per rate, totals), without payment details.

It is e-mailed with the order confirmation (notifications/delivery.py, docs/decisions/0046) and
rendered from the stored order only: every figure printed is an amount stored on the order or
its lines.
"""

from __future__ import annotations

from o2c.documents import (
    company_block,
    document_amount,
    document_date,
    document_rows,
    pdf_render,
    recipient_block,
    tax_summary,
)
from orders.models import SalesOrder
from orders.selectors import order_delivery_address


def order_confirmation_pdf_render(*, order: SalesOrder) -> bytes:
    """The confirmation of `order` as the customer receives it."""
    customer, currency = order.customer, order.currency
    lines = list(order.lines.select_related("product").order_by("position"))
    facts = [
        ("Order no.", order.number),
        ("Order date", document_date(order.order_date)),
        ("Customer no.", customer.code),
    ]
    if order.customer_reference:
        facts.append(("Your reference", order.customer_reference))
    if order.requested_delivery_date:
        facts.append(("Requested delivery", document_date(order.requested_delivery_date)))
    address = order_delivery_address(order=order)
    context = {
        "title": "Order confirmation",
        "number": order.number,
        "company": company_block(),
        "recipient": recipient_block(customer=customer),
        "facts": facts,
        "ship_to": [line.strip() for line in address.text.splitlines() if line.strip()],
        "rows": document_rows(lines, currency),
        "tax_summary": tax_summary(lines, currency),
        "totals": {
            "net": document_amount(order.net_total, currency),
            "tax": document_amount(order.tax_total, currency),
            "total": document_amount(order.total, currency),
            "currency": currency,
        },
        "payment_terms_days": customer.payment_terms_days,
    }
    return pdf_render("orders/pdf/confirmation.html", context)
