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
