"""The order-to-cash process, step by step, in the order of the cycle.

Each step is a short function that calls the stage services in order, inside one transaction.
Views, API views, commands and tasks call these steps (or their own app's services), nothing
deeper; stage apps never sequence other stages, and no step hides in a Django signal. The
pipeline only sequences: what a rule decides (what to invoice, which invoices a payment settles,
what a dispute credits, how goods in are posted) is in the stage that owns it.

    quotation.py    quotation_accept: the accepted quotation becomes the order, then order_submit
    order.py        order_place, order_submit, hold_release, hold_reject, order_cancel
    fulfilment.py   shipment_create, shipment_pack, shipment_ship (stock out, then the invoice),
                    shipment_deliver, late_flags_refresh, stock_receive, backorders_refill
    billing.py      the invoice of what an order delivers, credit_note_issue, settlements
    cash.py         payment_record, payment_apply, payment_reverse, payment_refund,
                    payment_notification_receive, bank_line_record; held_orders_recheck after
    collections.py  write_off, dispute_open, dispute_resolve
    returns.py      return_request, return_receive (goods back, credit notes, backorders),
                    return_cancel

Locks are always taken in the one order of o2c/locks.py, which keeps concurrent steps free of
deadlocks: order headers → shipments → the customer → invoices → payments → disputes → stock
levels → number series (primary-key order within each; stock levels in product order; the
document's series before the journal's). A step that would need a row of an earlier kind later
takes it up front: a cash step locks the orders of the invoices it settles and the customer's held
orders, then the customer, then the stock its held orders may allocate, then its invoices, and
only then takes numbers (`cash._customer_cash_lock`); a step on one invoice locks its order and
customer first (`billing.invoice_lock`); shipping holds the customer, the stock and the invoice
series before it posts the cost of the goods.
"""

# ruff: noqa: I001, RUF022  (the steps are listed in the order of the cycle, not alphabetically)

# 1. Order: entry, credit check, allocation, credit holds, cancellation.
from o2c.pipeline.order import order_place, order_submit, hold_release, hold_reject, order_cancel

# 0. Quotation: accepted, it becomes the order and goes through the credit check (decision 0053).
from o2c.pipeline.quotation import quotation_accept

# 2. Fulfilment: pick, pack, ship (and invoice what shipped), deliver; goods in and backorders.
from o2c.pipeline.fulfilment import (
    shipment_create,
    shipment_pack,
    shipment_ship,
    shipment_deliver,
    late_flags_refresh,
    stock_receive,
    backorders_refill,
)

# 3. Billing: credit notes on invoices (invoices themselves are issued by the steps above).
from o2c.pipeline.billing import credit_note_issue

# 4. Cash: payments in, applied, reversed, refunded; held orders checked again.
from o2c.pipeline.cash import (
    payment_record,
    payment_apply,
    payment_reverse,
    payment_refund,
    payment_notification_receive,
    bank_line_record,
)
from o2c.pipeline.order import held_orders_recheck

# 5. Collections: write-offs and disputes.
from o2c.pipeline.collections import write_off, dispute_open, dispute_resolve

# 6. Returns: shipped goods back (RMA), restocked or written off, credited.
from o2c.pipeline.returns import return_request, return_receive, return_cancel

__all__ = [
    "quotation_accept",
    "order_place",
    "order_submit",
    "hold_release",
    "hold_reject",
    "order_cancel",
    "shipment_create",
    "shipment_pack",
    "shipment_ship",
    "shipment_deliver",
    "late_flags_refresh",
    "stock_receive",
    "backorders_refill",
    "credit_note_issue",
    "payment_record",
    "payment_apply",
    "payment_reverse",
    "payment_refund",
    "payment_notification_receive",
    "bank_line_record",
    "held_orders_recheck",
    "write_off",
    "dispute_open",
    "dispute_resolve",
    "return_request",
    "return_receive",
    "return_cancel",
]
