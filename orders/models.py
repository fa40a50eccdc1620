"""Sales orders: header, lines, and the timeline of every transition (DESIGN.md §2, orders)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from o2c.models import DrawnNumberField, StatusEvent
from pricing.selectors import PriceSource


class SalesOrder(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        ON_HOLD = "on_hold"
        OPEN = "open"
        FULFILLED = "fulfilled"
        CLOSED = "closed"
        CANCELLED = "cancelled"

    class Fulfillment(models.TextChoices):
        UNALLOCATED = "unallocated"
        PARTIALLY_ALLOCATED = "partially_allocated"
        ALLOCATED = "allocated"
        PARTIALLY_SHIPPED = "partially_shipped"
        SHIPPED = "shipped"

    class Billing(models.TextChoices):
        NOT_INVOICED = "not_invoiced"
        PARTIALLY_INVOICED = "partially_invoiced"
        INVOICED = "invoiced"

    class Payment(models.TextChoices):
        UNPAID = "unpaid"
        PARTIALLY_PAID = "partially_paid"
        PAID = "paid"

    number = DrawnNumberField(max_length=30, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="orders")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="orders")
    currency = models.CharField(max_length=3)
    # units of its currency per base unit on its order date (decision 0062; 1 in the base currency)
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    order_date = models.DateField()
    requested_delivery_date = models.DateField(null=True, blank=True)
    customer_reference = models.CharField(max_length=100, blank=True, help_text="the customer's PO number")
    ship_to = models.TextField(blank=True)
    net_total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    tax_total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    # The gross of its invoices (they sum to `total` once all is invoiced): what of the order no
    # longer counts as open order value in the customer's exposure (decision 0050).
    amount_invoiced = models.DecimalField(max_digits=18, decimal_places=2, default=0, db_default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    fulfillment_status = models.CharField(
        max_length=20, choices=Fulfillment.choices, default=Fulfillment.UNALLOCATED, db_index=True
    )
    billing_status = models.CharField(max_length=20, choices=Billing.choices, default=Billing.NOT_INVOICED)
    payment_status = models.CharField(max_length=20, choices=Payment.choices, default=Payment.UNPAID)
    paid_on = models.DateField(null=True, blank=True, help_text="the date it became fully paid")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False, help_text="requested date passed before it shipped")

    # The allowed status changes (STYLE.md rule 3, o2c.states.transition); the same table decides
    # which buttons a page shows.
    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            (Status.DRAFT, Status.ON_HOLD),
            (Status.DRAFT, Status.OPEN),
            (Status.DRAFT, Status.CANCELLED),
            (Status.ON_HOLD, Status.OPEN),
            (Status.ON_HOLD, Status.CANCELLED),
            (Status.OPEN, Status.ON_HOLD),
            (Status.OPEN, Status.FULFILLED),
            (Status.OPEN, Status.CANCELLED),
            (Status.FULFILLED, Status.CLOSED),
            (Status.CLOSED, Status.FULFILLED),  # its payment bounced
        }
    )

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["customer", "status"], name="order_customer_status"),
            models.Index(fields=["status", "submitted_at"], name="order_status_submitted"),
            # the order list's default order (newest first, the id breaking ties): its page is
            # the first 50 entries of this index, not a sort of every order
            models.Index(fields=["order_date", "id"], name="order_list_by_date"),
            # cycle times: orders paid in a period, with their order date, from the index alone
            models.Index(
                fields=["paid_on"],
                include=["order_date"],
                condition=Q(paid_on__isnull=False),
                name="order_paid_on",
            ),
            # on-time delivery (reporting/kpis.py): the 90 days' shipments probe their order's
            # requested date from this index alone, not a scan of every order (decision 0069)
            models.Index(fields=["id"], include=["requested_delivery_date"], name="order_requested_date"),
            # the dashboard's order pipeline (reporting/dashboard/selectors.py): the orders not
            # closed by status, and those closed by the day they were paid, with their total and
            # who entered them, from these indexes alone (decision 0069)
            models.Index(
                fields=["status"],
                include=["total", "created_by"],
                condition=~Q(status="closed"),
                name="order_pipeline_open",
            ),
            models.Index(
                fields=["paid_on"],
                include=["total", "created_by"],
                condition=Q(status="closed"),
                name="order_pipeline_closed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("net_total") + F("tax_total")), name="order_total_is_net_plus_tax"
            ),
            models.CheckConstraint(
                condition=Q(net_total__gte=0, tax_total__gte=0), name="order_totals_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class SalesOrderLine(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    is_stock = models.BooleanField(
        help_text="copied from the product: only stock lines are allocated and shipped"
    )
    quantity = models.DecimalField(max_digits=15, decimal_places=3)
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)
    price_source = models.CharField(
        max_length=12,
        choices=PriceSource.choices,
        default=PriceSource.PRODUCT,
        help_text="where the unit price came from: the customer's price list, the product, or typed",
    )
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(max_digits=18, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=18, decimal_places=2)
    total_amount = models.DecimalField(max_digits=18, decimal_places=2)
    quantity_reserved = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    quantity_backordered = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    quantity_shipped = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    quantity_invoiced = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    # Received back on returns (returns/): never more than shipped (CHECK below).
    quantity_returned = models.DecimalField(max_digits=15, decimal_places=3, default=0)

    class Meta:
        ordering = ["order", "position"]
        indexes = [
            models.Index(
                fields=["product"], name="orderline_backordered", condition=Q(quantity_backordered__gt=0)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="orderline_unique_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="orderline_discount_range",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderline_price_not_negative"),
            models.CheckConstraint(
                condition=Q(quantity_reserved__gte=0, quantity_backordered__gte=0, quantity_shipped__gte=0),
                name="orderline_quantities_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    quantity__gte=F("quantity_reserved") + F("quantity_shipped") + F("quantity_backordered")
                ),
                name="orderline_allocation_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(total_amount=F("net_amount") + F("tax_amount")),
                name="orderline_total_is_net_plus_tax",
            ),
            models.CheckConstraint(
                condition=Q(quantity_returned__gte=0, quantity_returned__lte=F("quantity_shipped")),
                name="orderline_returned_within_shipped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position}"


class OrderEvent(StatusEvent):
    """The order's timeline: who did what, when, from which status to which, and why."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        indexes = [  # the orders that were ever on hold, for the hold count on a past date
            models.Index(
                fields=["order"], include=["at"], condition=Q(to_status="on_hold"), name="orderevent_on_hold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.event}"
