"""Quotation writes (decision 0053): entry (drafts priced as orders are), sending, declining,
expiring; acceptance is the pipeline step `o2c.pipeline.quotation_accept` (it makes the order
and submits it to the credit check)."""

from quotations.services.entry import (
    event_record,
    quotation_create,
    quotation_update,
    valid_until_default,
)
from quotations.services.lifecycle import (
    quotation_decline,
    quotation_lock_for_accept,
    quotation_mark_accepted,
    quotation_send,
    quotations_expire,
)

__all__ = [
    "event_record",
    "quotation_create",
    "quotation_decline",
    "quotation_lock_for_accept",
    "quotation_mark_accepted",
    "quotation_send",
    "quotation_update",
    "quotations_expire",
    "valid_until_default",
]
