"""Order writes: order entry (create and edit drafts) and the order's life after it (submission,
holds, reservations, shipments, invoices, payment status, cancellation).

Each status change goes through the TRANSITIONS table and writes an event row in the same
transaction (orders/services/events.py). The sequencing of stages (credit, then allocation) is in
o2c/pipeline/.
"""

from orders.services.entry import (
    LineInput,
    LinePrice,
    customer_price_breaks,
    document_header_resolve,
    line_price,
    lines_build,
    order_create,
    order_update,
)
from orders.services.lifecycle import (
    order_cancel,
    order_check_cancellable,
    order_check_shippable,
    order_check_submittable,
    order_mark_submitted,
    order_record_invoice,
    order_record_reservations,
    order_record_return,
    order_record_settlement,
    order_record_shipment,
    order_reject_hold,
    order_release_hold,
    orders_flag_late,
)

__all__ = [
    "LineInput",
    "LinePrice",
    "customer_price_breaks",
    "document_header_resolve",
    "line_price",
    "lines_build",
    "order_cancel",
    "order_check_cancellable",
    "order_check_shippable",
    "order_check_submittable",
    "order_create",
    "order_mark_submitted",
    "order_record_invoice",
    "order_record_reservations",
    "order_record_return",
    "order_record_settlement",
    "order_record_shipment",
    "order_reject_hold",
    "order_release_hold",
    "order_update",
    "orders_flag_late",
]
