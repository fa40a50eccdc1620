"""Gapless numbering: consecutive under concurrency, and a rollback gives its number back."""

import time
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

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


def test_preparing_the_series_is_idempotent_and_numbering_starts_at_one():
    from sequences.models import Sequence

    from o2c.numbering import GAPLESS, number_series_prepare

    assert number_series_prepare(today=DAY) == 2 * len(GAPLESS)  # 2026 and 2027
    assert number_series_prepare(today=DAY) == 0
    assert set(Sequence.objects.filter(name__endswith="-2027").values_list("name", "last")) == {
        (f"{series}-2027", 0) for series in GAPLESS
    }
    with transaction.atomic():
        assert document_number_next(series="invoice", on=DAY) == "INV-2026-000001"
        assert document_number_next(series="invoice", on=DAY) == "INV-2026-000002"
    assert number_series_prepare(today=DAY) == 0  # a used series is left as it is
    with transaction.atomic():
        assert document_number_next(series="invoice", on=DAY) == "INV-2026-000003"


def test_a_year_not_prepared_is_created_by_its_first_number():
    from sequences.models import Sequence

    from o2c.numbering import number_series_prepare

    number_series_prepare(today=DAY)
    assert not Sequence.objects.filter(name="payment-2031").exists()
    with transaction.atomic():
        assert document_number_next(series="payment", on=date(2031, 3, 1)) == "PAY-2031-000001"
    with transaction.atomic():
        assert document_number_next(series="payment", on=date(2031, 3, 2)) == "PAY-2031-000002"


def test_the_first_numbers_of_a_prepared_year_race_without_a_hole():
    from o2c.numbering import number_series_prepare

    number_series_prepare(today=DAY)

    def take(index: int) -> str:
        with transaction.atomic():
            return document_number_next(series="journal", on=date(2027, 1, 1))

    numbers = run_concurrently(take, 10)
    assert sorted(numbers) == [f"JE-2027-{i:06d}" for i in range(1, 11)]


def test_the_nightly_task_prepares_this_year_and_the_next():
    from django.conf import settings
    from sequences.models import Sequence

    from o2c.tasks import number_series_prepare

    number_series_prepare()
    year = timezone.localdate().year
    names = set(Sequence.objects.values_list("name", flat=True))
    assert {f"invoice-{year}", f"invoice-{year + 1}", f"journal-{year + 1}"} <= names
    assert settings.CELERY_BEAT_SCHEDULE["number-series-prepare"]["task"] == "o2c.tasks.number_series_prepare"


def test_the_data_migration_prepares_the_current_year():
    import importlib

    from django.apps import apps
    from sequences.models import Sequence

    importlib.import_module("o2c.migrations.0005_number_series").prepare(apps, None)
    year = timezone.localdate().year
    assert Sequence.objects.filter(name__in=[f"credit_note-{year}", f"credit_note-{year + 1}"]).count() == 2
