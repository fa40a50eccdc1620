"""Price reads: the price lists, and which price a line takes (decision 0054).

The rule, in one place for the order, the quotation and the entry page's live preview: a line
takes the price of its customer's price list when the list is in the customer's currency, valid
on the document's date (`valid_from` ≤ date ≤ `valid_to`, either end open) and has a break for
the product at or below the line's quantity (the highest such `min_quantity` wins); else the
product's own price. A price typed on the line is `manual` and wins over both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from pricing.models import PriceList, PriceListItem


class PriceSource(models.TextChoices):
    """Where a line's unit price came from (orders and quotations carry it as `price_source`)."""

    PRICE_LIST = "price_list", "price list"
    PRODUCT = "product", "product price"
    MANUAL = "manual", "manual"


@dataclass(frozen=True)
class PriceBreaks:
    """The breaks of one price list for some products, valid on one date; empty when the
    customer has no list, or it is in another currency or not valid that day."""

    price_list_id: int | None = None
    by_product: dict[int, list[tuple[Decimal, Decimal]]] = field(default_factory=dict)

    def price(self, *, product_id: int, quantity: Decimal) -> Decimal | None:
        """The unit price of the highest break at or below `quantity`, or None."""
        found = None
        for min_quantity, unit_price in self.by_product.get(product_id, ()):  # ascending
            if min_quantity > quantity:
                break
            found = unit_price
        return found


def price_list_valid_on(on: date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def price_breaks(
    *, price_list_id: int | None, currency: str, on: date, product_ids: Iterable[int | None]
) -> PriceBreaks:
    """The breaks that apply on `on` to a customer billed in `currency`: one query (none
    without a list)."""
    ids = {pid for pid in product_ids if pid}
    if price_list_id is None or not ids:
        return PriceBreaks()
    valid = PriceList.objects.filter(price_list_valid_on(on), pk=price_list_id, currency=currency)
    rows = (
        PriceListItem.objects.filter(price_list__in=valid, product_id__in=ids)
        .order_by("product_id", "min_quantity")
        .values_list("product_id", "min_quantity", "unit_price")
    )
    by_product: dict[int, list[tuple[Decimal, Decimal]]] = {}
    for product_id, min_quantity, unit_price in rows:
        by_product.setdefault(product_id, []).append((min_quantity, unit_price))
    return PriceBreaks(price_list_id=price_list_id, by_product=by_product)


def price_list_list(*, filters: dict[str, object] | None = None) -> QuerySet[PriceList]:
    """Price lists with their items (and the items' products), two queries more per page."""
    queryset = PriceList.objects.prefetch_related(
        Prefetch("items", queryset=PriceListItem.objects.select_related("product"))
    ).annotate(customer_count=models.Count("customers", distinct=True))
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            queryset = queryset.filter(**{name: value})
    return queryset


def price_list_get(*, price_list_id: int) -> PriceList:
    return price_list_list().get(pk=price_list_id)


def price_list_exists(*, price_list_id: int) -> PriceList | None:
    """The bare list (no prefetch), or None: what a customer's `price_list` is checked against."""
    return PriceList.objects.filter(pk=price_list_id).first()


def price_list_choices() -> list[tuple[int, str, str]]:
    """(id, name, currency) of every list, by name: the customer page's picker (one query)."""
    return list(PriceList.objects.order_by("name").values_list("pk", "name", "currency"))
