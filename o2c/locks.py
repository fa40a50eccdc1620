"""Row locks: the one module that takes them (`SELECT … FOR UPDATE`), as Saleor's `lock_objects`.

The lock order. A transaction that locks rows of several kinds takes them in this order, and
the rows of one kind in primary-key order (stock levels: warehouse, then product):

    0. quotations             quotation_lock, quotations_lock  (accepting one creates its order)
    1. order headers          order_lock, orders_lock          (header before its lines)
       then a return of it    return_lock                      (returns/: the order's child)
    2. shipments              shipment_lock
    3. the customer           customer_lock
    4. invoices               invoice_lock, invoices_lock
    5. payments               payment_lock, payments_lock
    6. disputes               dispute_lock; promises to pay: promise_lock; direct-debit
                              mandates: mandates_lock, then collections: direct_debit_items_lock
    7. bank statement lines   bank_line_lock
    8. stock levels           stock_levels_lock, stock_level_lock; products: product_lock
    9. number series          number_series_lock, then the numbers themselves (o2c/numbering.py):
                              the document's series (INV, CN, PAY) before the journal's (JE)

Price lists (`price_list_lock`), journal entries (`journal_entry_lock`), the ledger settings row (`ledger_settings_lock`), report
deliveries, outbox messages, webhook deliveries and import batches are locked alone.
A step that learns only later that it needs a row of an earlier kind either took it up front
(o2c/pipeline/cash.py: a payment locks the orders of the customer's open invoices before the
customer) or takes it with SKIP LOCKED, never waiting for it.

Every lock is `of=("self",)`: a `select_related` join reads the related row but never locks it
(a locked order does not lock its customer; the customer is locked by `customer_lock`, in its
place in the order). Multi-row locks are `order_by("pk")`. A row number of a document series
(django-sequences) is a lock too, held to the end of the transaction: numbers come last.

This is the kernel: it does not import the apps' models, it asks the app registry for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.db import connections
from django.db.models import Model, QuerySet

if TYPE_CHECKING:  # types only: at run time the models come from the app registry
    from customers.models import Customer
    from fulfillment.models import Shipment
    from imports.models import ImportBatch
    from inventory.models import Product, StockLevel
    from invoicing.models import Invoice
    from ledger.models import JournalEntry, LedgerSettings
    from orders.models import SalesOrder
    from pricing.models import PriceList
    from quotations.models import Quotation
    from receivables.models import BankStatementLine, DirectDebitItem, Dispute, Mandate, Payment, Promise
    from reporting.models import ReportDelivery
    from returns.models import Return
    from webhooks.models import WebhookDelivery

M = TypeVar("M", bound=Model)


def _model(label: str) -> Any:
    """The model class of `label` (typed by each caller's return annotation)."""
    return apps.get_model(label)


def lock(queryset: QuerySet[M], *, skip_locked: bool = False) -> list[M]:
    """The rows of `queryset` locked in primary-key order (with `skip_locked`, only those no other
    transaction holds); its own table's rows only."""
    return list(queryset.select_for_update(skip_locked=skip_locked, of=("self",)).order_by("pk"))


def lock_one(queryset: QuerySet[M], **lookup: Any) -> M:
    """The one row of `queryset` matching `lookup`, locked (DoesNotExist when there is none)."""
    return queryset.select_for_update(of=("self",)).get(**lookup)


# ── 0. quotations ─────────────────────────────────────────────────────────────────────────────────


def quotation_lock(*, quotation_id: int) -> Quotation:
    """The quotation header (its customer read along, not locked): sending, accepting, declining
    and expiring start here; accepting then creates and submits its order."""
    return lock_one(_model("quotations.Quotation").objects.select_related("customer"), pk=quotation_id)


def quotations_lock(*, quotation_ids: Iterable[int], skip_locked: bool = False) -> list[Quotation]:
    """Several quotations in primary-key order (the nightly expiry skips those being accepted)."""
    return lock(
        _model("quotations.Quotation").objects.filter(pk__in=list(quotation_ids)), skip_locked=skip_locked
    )


# ── 1. orders ─────────────────────────────────────────────────────────────────────────────────────


def order_lock(*, order_id: int) -> SalesOrder:
    """The order header (its customer read along, not locked): every change of an order starts
    here, header before lines."""
    return lock_one(_model("orders.SalesOrder").objects.select_related("customer"), pk=order_id)


def orders_lock(*, order_ids: Iterable[int], skip_locked: bool = False) -> list[SalesOrder]:
    """Several order headers in primary-key order (with `skip_locked`, those no one else holds)."""
    headers = _model("orders.SalesOrder").objects.filter(pk__in=list(order_ids))
    return lock(headers, skip_locked=skip_locked)


def return_lock(*, return_id: int) -> Return:
    """A return (RMA), after its order's header: receiving and cancelling it start here."""
    return lock_one(_model("returns.Return").objects, pk=return_id)


# ── 2. shipments ──────────────────────────────────────────────────────────────────────────────────


def shipment_lock(*, shipment_id: int) -> Shipment:
    return lock_one(_model("fulfillment.Shipment").objects, pk=shipment_id)


def shipments_lock(*, shipment_ids: Iterable[int], skip_locked: bool = False) -> list[Shipment]:
    """Several shipments in primary-key order (with `skip_locked`, those no one else holds: the
    hourly late flag never waits for a shipment being shipped or delivered)."""
    return lock(
        _model("fulfillment.Shipment").objects.filter(pk__in=list(shipment_ids)), skip_locked=skip_locked
    )


# ── 3. the customer ───────────────────────────────────────────────────────────────────────────────


def customer_lock(*, customer_id: int) -> Customer:
    """The customer row: the credit check takes it so that two orders of one customer are checked
    one after the other against the same headroom; a payment takes it before its invoices."""
    return lock_one(_model("customers.Customer").objects, pk=customer_id)


def customers_lock(*, customer_ids: Iterable[int]) -> list[Customer]:
    """Customer rows in primary-key order: a batch job's (the dunning run's) customers at once."""
    return lock(_model("customers.Customer").objects.filter(pk__in=list(customer_ids)))


def customer_share_lock(*, customer_id: int) -> None:
    """The customer row in KEY SHARE mode, in the customer's place: what inserting an invoice, a
    write-off or a credit note of the customer takes anyway (the foreign key), taken before the
    invoice and stock rows, so a step holding those never waits for a customer locked by a
    payment. Steps that insert such rows after their stock take this first."""
    model = _model("customers.Customer")
    connection = connections[model.objects.db]
    if not connection.in_atomic_block:
        raise RuntimeError("row locks are taken inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} WHERE id = %s FOR KEY SHARE",  # noqa: S608 (a table name, not input)
            [customer_id],
        )


# ── 4. invoices ───────────────────────────────────────────────────────────────────────────────────


def invoice_lock(*, invoice_id: int) -> Invoice:
    """One invoice (its customer read along, not locked)."""
    return lock_one(_model("invoicing.Invoice").objects.select_related("customer"), pk=invoice_id)


def invoices_lock(*, invoice_ids: Iterable[int], skip_locked: bool = False) -> list[Invoice]:
    """Invoices in primary-key order (with `skip_locked`, those no one else holds: the nightly
    overdue flag never waits for an invoice being paid)."""
    return lock(_model("invoicing.Invoice").objects.filter(pk__in=list(invoice_ids)), skip_locked=skip_locked)


# ── 5. payments ───────────────────────────────────────────────────────────────────────────────────


def payment_lock(*, payment_id: int) -> Payment:
    """One payment (its customer read along, not locked)."""
    return lock_one(_model("receivables.Payment").objects.select_related("customer"), pk=payment_id)


def payments_lock(*, payment_ids: Iterable[int]) -> list[Payment]:
    """Payments in primary-key order (a credit note that gives back what they paid, 0063)."""
    return lock(_model("receivables.Payment").objects.filter(pk__in=list(payment_ids)))


def dispute_lock(*, dispute_id: int) -> Dispute:
    """One dispute (its invoice read along, not locked: lock the invoice first)."""
    return lock_one(_model("receivables.Dispute").objects.select_related("invoice"), pk=dispute_id)


def promise_lock(*, promise_id: int) -> Promise:
    """One promise to pay (locked alone by the nightly check and a cancel)."""
    return lock_one(_model("receivables.Promise").objects.all(), pk=promise_id)


def mandates_lock(*, mandate_ids: Iterable[int]) -> list[Mandate]:
    """Direct-debit mandates in primary-key order: a run holds the mandates it collects on, so a
    revocation waits for it (and a run after the revocation collects nothing on it)."""
    return lock(_model("receivables.Mandate").objects.filter(pk__in=list(mandate_ids)))


def direct_debit_items_lock(*, item_ids: Iterable[int]) -> list[DirectDebitItem]:
    """Collections of direct-debit runs in primary-key order (settled or returned once)."""
    return lock(_model("receivables.DirectDebitItem").objects.filter(pk__in=list(item_ids)))


def bank_line_lock(*, line_id: int, statement_id: int | None = None) -> BankStatementLine:
    """One bank statement line (its statement read along, not locked)."""
    lines = _model("receivables.BankStatementLine").objects.select_related("statement")
    if statement_id is not None:
        lines = lines.filter(statement_id=statement_id)
    return lock_one(lines, pk=line_id)


# ── 8. stock ──────────────────────────────────────────────────────────────────────────────────────


def stock_levels_lock(*, product_ids: Iterable[int], warehouse_id: int) -> dict[int, StockLevel]:
    """The existing stock levels of `product_ids` in one warehouse, in product order (the one lock
    order for stock): product id → level."""
    levels = _model("inventory.StockLevel").objects.filter(
        product_id__in=sorted(set(product_ids)), warehouse_id=warehouse_id
    )
    locked = levels.select_for_update(of=("self",)).order_by("product_id")
    return {level.product_id: level for level in locked}


def stock_level_lock(*, product_id: int, warehouse_id: int) -> StockLevel:
    return lock_one(_model("inventory.StockLevel").objects, product_id=product_id, warehouse_id=warehouse_id)


def product_lock(*, product_id: int) -> Product:
    return lock_one(_model("inventory.Product").objects, pk=product_id)


# ── 9. number series ──────────────────────────────────────────────────────────────────────────────


def number_series_lock(*, names: Iterable[str]) -> list[Model]:
    """The counter rows of document series (`invoice-2026`) in name order, before a step that
    posts a journal entry (JE) and only later numbers its document (INV): the series of the
    document is then held before the journal's, as everywhere else. The rows must exist
    (o2c/numbering.py `number_series_ensure`)."""
    counters = _model("sequences.Sequence").objects.filter(name__in=sorted(set(names)))
    return list(counters.select_for_update(of=("self",)).order_by("name"))


# ── locked alone ──────────────────────────────────────────────────────────────────────────────────


def price_list_lock(*, price_list_id: int) -> PriceList:
    """A price list while its items are replaced (two edits one after the other)."""
    return lock_one(_model("pricing.PriceList").objects, pk=price_list_id)


def journal_entry_lock(*, entry_id: int) -> JournalEntry:
    return lock_one(_model("ledger.JournalEntry").objects, pk=entry_id)


def ledger_settings_lock() -> LedgerSettings:
    """The ledger's one settings row (the lock date), while finance moves it."""
    return lock_one(_model("ledger.LedgerSettings").objects.all(), pk=1)


def report_delivery_lock(*, delivery_id: int) -> ReportDelivery:
    """A daily report delivery (its user read along, not locked)."""
    return lock_one(_model("reporting.ReportDelivery").objects.select_related("user"), pk=delivery_id)


def import_batch_lock(*, batch_id: int) -> ImportBatch:
    """An import batch while its real run is asked for (two clicks on Import start one run)."""
    return lock_one(_model("imports.ImportBatch").objects, pk=batch_id)


def outbox_message_next(*, queryset: QuerySet[M]) -> M | None:
    """The first message of `queryset` (in its own ordering) that no other relay holds, locked;
    None when there is none (SKIP LOCKED: relays never wait for each other)."""
    return queryset.select_for_update(skip_locked=True, of=("self",)).first()


def webhook_delivery_next(*, queryset: QuerySet[WebhookDelivery]) -> WebhookDelivery | None:
    """The first webhook delivery of `queryset` (in its own ordering) that no other sender holds,
    locked for as long as it is being sent (SKIP LOCKED: senders never wait for each other)."""
    return queryset.select_for_update(skip_locked=True, of=("self",)).first()
