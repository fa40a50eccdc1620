"""The RMA slip: what the customer sends back (or sent back), under which number, and what was
received; rendered by the kernel's offline WeasyPrint helpers (o2c/documents.py)."""

from __future__ import annotations

from django.utils import timezone

from o2c.documents import company_block, document_date, document_quantity, pdf_render, recipient_block
from returns.models import Return


def return_pdf_render(*, rma: Return) -> bytes:
    order, customer = rma.order, rma.customer
    facts = [
        ("Return no.", rma.number),
        ("Date", document_date(timezone.localdate(rma.created_at))),
        ("Customer no.", customer.code),
        ("Order no.", order.number),
    ]
    if rma.received_at:
        facts.append(("Received", document_date(timezone.localdate(rma.received_at))))
    received = rma.status == Return.Status.RECEIVED
    rows = [
        {
            "position": line.order_line.position,
            "description": line.order_line.description,
            "sku": line.product.sku,
            "quantity": document_quantity(line.quantity),
            "received": document_quantity(line.quantity_received) if received else "",
            "condition": ("restocked" if line.restock else "damaged") if received else "",
        }
        for line in rma.lines.all()
    ]
    context = {
        "title": "Return",
        "number": rma.number,
        "company": company_block(),
        "recipient": recipient_block(customer=customer),
        "facts": facts,
        "rows": rows,
        "reason": rma.reason,
        "received": received,
        "credit_notes": [note.number for note in rma.credit_notes.all()],
    }
    return pdf_render("returns/pdf/return.html", context)
