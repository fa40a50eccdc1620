"""The fulfillment app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class FulfillmentErrorCode(ErrorCode):
    NOTHING_TO_SHIP = "nothing_to_ship"
    NOT_A_STOCK_LINE = "not_a_stock_line"
    PICK_EXCEEDS_ALLOCATED = "pick_exceeds_allocated"
    NO_DELIVERY_ADDRESS = "no_delivery_address"
