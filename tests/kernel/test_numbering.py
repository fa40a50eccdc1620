"""Gapless numbering: consecutive under concurrency, and a rollback gives its number back."""

import time
from datetime import date

import pytest
from django.db import transaction

from o2c.numbering import document_number_next
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)

DAY = date(2026, 11, 23)


def test_twenty_concurrent_transactions_get_consecutive_numbers():
    def take(index: int) -> str:
        with transaction.atomic():
            number = document_number_next(series="invoice", on=DAY)
            time.sleep(0.01)  # hold the counter a moment, as a real invoice insert would
            return number

    numbers = run_concurrently(take, 20)

    assert not [n for n in numbers if isinstance(n, Exception)], numbers
    assert sorted(numbers) == [f"INV-2026-{i:06d}" for i in range(1, 21)]


def test_rolled_back_transaction_leaves_no_hole():
    with transaction.atomic():
        assert document_number_next(series="credit_note", on=DAY) == "CN-2026-000001"

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        assert document_number_next(series="credit_note", on=DAY) == "CN-2026-000002"
        raise Abort

    with transaction.atomic():
        assert document_number_next(series="credit_note", on=DAY) == "CN-2026-000002"


def test_rollbacks_among_concurrent_transactions_leave_no_hole():
    def take(index: int) -> str | None:
        with transaction.atomic():
            number = document_number_next(series="payment", on=DAY)
            if index % 3 == 0:
                transaction.set_rollback(True)
                return None
            return number

    numbers = [n for n in run_concurrently(take, 12) if n is not None]

    assert sorted(numbers) == [f"PAY-2026-{i:06d}" for i in range(1, 9)]


def test_each_year_has_its_own_series():
    with transaction.atomic():
        assert document_number_next(series="invoice", on=date(2026, 12, 31)) == "INV-2026-000001"
        assert document_number_next(series="invoice", on=date(2027, 1, 1)) == "INV-2027-000001"


def test_numbers_are_taken_inside_a_transaction_only():
    with pytest.raises(RuntimeError):
        document_number_next(series="invoice", on=DAY)
