"""Stock movements of several locked stock levels at once, each checked as its one-level service
in inventory/services.py checks it, written in one UPDATE (and one INSERT of the moves): what an
order's allocation and a shipment's issue do per line (decision 0068)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from inventory.errors import InventoryErrorCode
from inventory.models import StockLevel, StockMove
from o2c.errors import DomainError, KernelErrorCode

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def level_issue(level: StockLevel, quantity: Decimal) -> None:
    """The one rule of an issue (`stock_issue_many`): a positive quantity, out of
    what was reserved and is on hand; `on_hand` and `reserved` down by it (the caller saves)."""
    if quantity <= 0:
        raise DomainError(
            "an issue takes a positive quantity", field="quantity", code=KernelErrorCode.NOT_POSITIVE
        )
    if quantity > level.reserved or quantity > level.on_hand:
        raise DomainError(
            f"cannot issue {quantity}: {level.reserved} reserved, {level.on_hand} on hand",
            field="quantity",
            code=InventoryErrorCode.INSUFFICIENT_STOCK,
        )
    level.on_hand -= quantity
    level.reserved -= quantity


def stock_reserve_many(*, wanted: list[tuple[StockLevel, Decimal]]) -> list[Decimal]:
    """`stock_reserve` for several locked stock levels (each at most once), written in one
    UPDATE; returns what could be reserved of each, in the order given."""
    got, changed = [], []
    for level, quantity in wanted:
        reservable = min(max(level.on_hand - level.reserved, Decimal(0)), quantity)
        if reservable > 0:
            level.reserved += reservable
            changed.append(level)
        got.append(reservable)
    if len(changed) == 1:
        changed[0].save(update_fields=["reserved"])
    elif changed:
        StockLevel.objects.bulk_update(changed, ["reserved"])
    return got


def stock_issue_many(
    *, issues: list[tuple[StockLevel, Decimal]], reference: str = "", by: User | None = None
) -> list[StockMove]:
    """Goods out of locked stock levels, from what was reserved: `on_hand` and `reserved` down by
    the same quantity and an issue move each (so the move ledger still sums to `on_hand`), all
    written in one UPDATE and one INSERT of their moves. A level named twice is issued in turn."""
    moves = []
    for level, quantity in issues:
        level_issue(level, quantity)
        moves.append(
            StockMove(
                product_id=level.product_id,
                warehouse_id=level.warehouse_id,
                kind=StockMove.Kind.ISSUE,
                quantity=-quantity,
                reference=reference,
                created_by=by,
            )
        )
    changed = list({id(level): level for level, _ in issues}.values())
    if len(changed) == 1:
        changed[0].save(update_fields=["on_hand", "reserved"])
    elif changed:
        StockLevel.objects.bulk_update(changed, ["on_hand", "reserved"])
    return StockMove.objects.bulk_create(moves)
