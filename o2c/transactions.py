"""One transaction per request on the hot paths, without a savepoint per step.

Each pipeline step and service runs in `transaction.atomic`, so that called alone it commits or
rolls back as a whole; called inside another step it makes a savepoint (two statements, SAVEPOINT
and RELEASE), which only matters to a caller that catches the step's error and goes on in the
same transaction. A request that answers any error by rolling back everything (the API's order
and payment calls: `_order_response`, `IdempotentMixin`) says so with `whole()`; inside it the
steps decorated with `step` make no savepoint. An explicit `transaction.atomic()` block (one that
recovers from an IntegrityError, say) keeps its savepoint. Decision 0050.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
T = TypeVar("T")

_FLAG = "o2c_whole_transaction"


@contextmanager
def whole() -> Iterator[None]:
    """A block that is one transaction (or one savepoint) which any error inside rolls back
    entirely: the steps called in it make no savepoints of their own."""
    connection = transaction.get_connection()
    outer = getattr(connection, _FLAG, False)
    with transaction.atomic(savepoint=not outer):
        setattr(connection, _FLAG, True)
        try:
            yield
        finally:
            setattr(connection, _FLAG, outer)


def step(function: Callable[P, T]) -> Callable[P, T]:
    """`transaction.atomic` for a step, without a savepoint when called inside `whole()`."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        connection = transaction.get_connection()
        with transaction.atomic(savepoint=not getattr(connection, _FLAG, False)):
            return function(*args, **kwargs)

    return run


def transaction_memo(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, read once per database transaction (outside one: every time). The memo lives
    as long as a no-op on-commit hook of this transaction: Django drops the hooks when the
    transaction commits or rolls back (and those of a savepoint rolled back), so a memo never
    outlives the snapshot it was read in, nor a rollback of what was read after it."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return compute()
    memo: dict[str, object] | None = getattr(connection, "o2c_memo", None)
    if memo is None or not any(hook is memo["_hook"] for _, hook, _ in connection.run_on_commit):
        memo = {"_hook": _Hook()}
        connection.o2c_memo = memo
        transaction.on_commit(memo["_hook"])  # type: ignore[arg-type]
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[return-value]


def memo_forget(key: str) -> None:
    """Drop `key` from this transaction's memo (what it holds was changed in the transaction)."""
    memo = getattr(transaction.get_connection(), "o2c_memo", None)
    if memo is not None:
        memo.pop(key, None)


class _Hook:
    """A no-op on-commit callable marking the transaction a memo belongs to."""

    def __call__(self) -> None:
        return None


def whole_step(function: Callable[P, T]) -> Callable[P, T]:
    """A pipeline step that is one transaction, rolled back whole on any error: `transaction.atomic`
    for its caller (a savepoint when called inside another transaction), with no savepoint for
    the steps it calls (`whole()`), and its timeline rows inserted together at its end, one
    INSERT per event table (`o2c.states.event_rows_batched`). For the steps that catch no error
    of the steps inside them and read none of their own timeline rows back."""

    from o2c.states import event_rows_batched  # states imports models; this module is imported early

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with whole(), event_rows_batched():
            return function(*args, **kwargs)

    return run
