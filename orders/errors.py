"""The orders app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class OrderErrorCode(ErrorCode):
    NO_WAREHOUSE = "no_warehouse"
    NO_LINES = "no_lines"
    DELIVERY_DATE_IN_PAST = "delivery_date_in_past"
    ORDER_NOT_EDITABLE = "order_not_editable"
    ORDER_NOT_SUBMITTABLE = "order_not_submittable"
    ORDER_NOT_ON_HOLD = "order_not_on_hold"
    ORDER_NOT_CANCELLABLE = "order_not_cancellable"
    SHIP_EXCEEDS_ALLOCATED = "ship_exceeds_allocated"
    ORDER_LINE_OVER_INVOICED = "order_line_over_invoiced"
    ORDER_LINE_OVER_RETURNED = "order_line_over_returned"
