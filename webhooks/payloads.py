"""What a delivery's `data` is: the object as the API shows it, through the owning app's API
serializer and the selector its detail view reads (annotations and prefetches included).

One table, model → renderer. The webhooks app sits above the stages in the import contract (beside
reporting), so it reads their selectors and serializers; no stage imports webhooks: they tell the
bus (o2c/events.py) and the bus tells webhooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from credit.selectors import with_latest_decision
from customers import selectors as customer_selectors
from customers.api.serializers import CustomerOut
from fulfillment import selectors as fulfillment_selectors
from fulfillment.api.serializers import ShipmentOut
from invoicing import selectors as invoicing_selectors
from invoicing.api.serializers import CreditNoteOut, InvoiceOut
from orders import selectors as order_selectors
from orders.api.serializers import OrderOut
from quotations import selectors as quotation_selectors
from quotations.api.serializers import QuotationOut
from receivables.cash import selectors as cash_selectors
from receivables.cash.api.serializers import PaymentOut
from receivables.collections import selectors as collections_selectors
from receivables.collections.api.serializers import PromiseOut
from receivables.disputes import selectors as dispute_selectors
from receivables.disputes.api.serializers import DisputeOut
from receivables.dunning import selectors as dunning_selectors
from receivables.dunning.api.serializers import NoticeOut
from receivables.selectors import open_disputed_subquery
from returns import selectors as return_selectors
from returns.api.serializers import ReturnOut


def _customer(pk: int) -> Any:
    customer = customer_selectors.customer_list().get(pk=pk)
    return CustomerOut(customer_selectors.customers_with_positions(customers=[customer])[0]).data


def _order(pk: int) -> Any:
    return OrderOut(with_latest_decision(order_selectors.order_detail_list()).get(pk=pk)).data


def _shipment(pk: int) -> Any:
    return ShipmentOut(fulfillment_selectors.shipment_get(shipment_id=pk)).data


def _invoice(pk: int) -> Any:
    invoices = (
        invoicing_selectors.invoice_list()
        .annotate(disputed=open_disputed_subquery())
        .prefetch_related(*invoicing_selectors.INVOICE_RELATED_PREFETCH)
    )
    return InvoiceOut(invoices.get(pk=pk)).data


def _credit_note(pk: int) -> Any:
    return CreditNoteOut(invoicing_selectors.credit_note_list().get(pk=pk)).data


def _payment(pk: int) -> Any:
    return PaymentOut(cash_selectors.payment_get(payment_id=pk)).data


def _dispute(pk: int) -> Any:
    return DisputeOut(dispute_selectors.dispute_list().get(pk=pk)).data


def _quotation(pk: int) -> Any:
    return QuotationOut(quotation_selectors.quotation_get(quotation_id=pk)).data


def _promise(pk: int) -> Any:
    return PromiseOut(collections_selectors.promise_get(promise_id=pk)).data


def _dunning_notice(pk: int) -> Any:
    return NoticeOut(dunning_selectors.dunning_notice_list().get(pk=pk)).data


def _return(pk: int) -> Any:
    return ReturnOut(return_selectors.return_get(return_id=pk)).data


RENDERERS: dict[str, Callable[[int], Any]] = {
    "customers.customer": _customer,
    "orders.salesorder": _order,
    "fulfillment.shipment": _shipment,
    "invoicing.invoice": _invoice,
    "invoicing.creditnote": _credit_note,
    "receivables.payment": _payment,
    "receivables.dispute": _dispute,
    "receivables.dunningnotice": _dunning_notice,
    "quotations.quotation": _quotation,
    "receivables.promise": _promise,
    "returns.return": _return,
}


def object_key(subject: models.Model) -> str:
    """`<app>.<model>:<pk>`: the deliveries of one object keep their order."""
    return f"{subject._meta.label_lower}:{subject.pk}"


def payload_data(subject: models.Model) -> Any:
    """The subject as its API detail shows it; an object without a resource: its id only."""
    renderer = RENDERERS.get(subject._meta.label_lower)
    return renderer(subject.pk) if renderer else {"id": subject.pk}
