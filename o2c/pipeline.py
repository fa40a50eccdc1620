"""The order-to-cash process on one page.

Each step of the customer cycle is a short function that calls the stage services in order,
inside one transaction. Views, API views, commands and tasks call these steps (or their own
app's services), nothing deeper; stage apps never sequence other stages, and no step hides in a
Django signal. The steps arrive with the issues that build each stage:

    order_submit        credit check (locks the customer), then allocation (locks stock)
    hold_release        finance releases a credit hold, then allocation
    stock_receive       goods in, then backorders allocated oldest order first
    shipment_ship       stock issue, then invoice, then postings (COGS, receivables)
    payment_record      payment, allocation to invoices, postings, held orders re-checked
    dispute_resolve     credit note or rejection, then postings
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from inventory import services as inventory_services
from inventory.models import StockMove


@transaction.atomic
def stock_receive(
    *, product_id: int, warehouse_id: int, quantity: Decimal, reference: str = "", by=None
) -> StockMove:
    """Goods in. (The order-capture issue adds: then allocate backorders, oldest order first.)"""
    return inventory_services.stock_receive(
        product_id=product_id, warehouse_id=warehouse_id, quantity=quantity, reference=reference, by=by
    )
