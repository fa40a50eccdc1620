"""Ledger: balanced entries only, enforced by the service and by the database; posted entries
never change; the trial balance balances."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, connection, transaction

from ledger import selectors, services
from ledger.models import Account, JournalEntry, JournalLine
from ledger.services import LineSpec
from o2c.errors import Conflict, DomainError, UnbalancedEntry

DAY = date(2026, 11, 2)


def sale(amount: str = "119.00") -> list[LineSpec]:
    gross = Decimal(amount)
    net = (gross / Decimal("1.19")).quantize(Decimal("0.01"))
    return [
        LineSpec(account="receivables", debit=gross),
        LineSpec(account="revenue", credit=net),
        LineSpec(account="vat_payable", credit=gross - net),
    ]


@pytest.mark.django_db
class TestPost:
    def test_a_balanced_entry_is_posted_with_a_number(self):
        entry = services.journal_entry_post(entry_date=DAY, memo="Invoice INV-2026-000001", lines=sale())

        assert entry.number == "JE-2026-000001"
        lines = {
            line.account.key: (line.debit, line.credit) for line in entry.lines.select_related("account")
        }
        assert lines == {
            "receivables": (Decimal("119.00"), Decimal("0")),
            "revenue": (Decimal("0"), Decimal("100.00")),
            "vat_payable": (Decimal("0"), Decimal("19.00")),
        }

    def test_the_service_refuses_an_unbalanced_entry(self):
        with pytest.raises(UnbalancedEntry) as refused:
            services.journal_entry_post(
                entry_date=DAY,
                memo="off by a cent",
                lines=[
                    LineSpec(account="bank", debit=Decimal("10.00")),
                    LineSpec(account="revenue", credit=Decimal("9.99")),
                ],
            )
        assert refused.value.field == "lines"
        assert JournalEntry.objects.count() == 0

    @pytest.mark.parametrize(
        "lines",
        [
            [LineSpec(account="bank", debit=Decimal("1.00"))],
            [
                LineSpec(account="bank", debit=Decimal("1.00"), credit=Decimal("1.00")),
                LineSpec(account="revenue"),
            ],
            [
                LineSpec(account="bank", debit=Decimal("-1.00")),
                LineSpec(account="revenue", credit=Decimal("-1.00")),
            ],
            [
                LineSpec(account="bank", debit=Decimal("1.005")),
                LineSpec(account="revenue", credit=Decimal("1.005")),
            ],
            [
                LineSpec(account="9999", debit=Decimal("1.00")),
                LineSpec(account="revenue", credit=Decimal("1.00")),
            ],
        ],
        ids=["one-line", "both-sides", "negative", "sub-cent", "unknown-account"],
    )
    def test_malformed_entries_are_refused_and_nothing_is_written(self, lines):
        with pytest.raises(DomainError):
            services.journal_entry_post(entry_date=DAY, memo="bad", lines=lines)
        assert JournalEntry.objects.count() == 0 and JournalLine.objects.count() == 0

    def test_a_reversal_mirrors_the_entry_and_only_once(self):
        entry = services.journal_entry_post(entry_date=DAY, memo="sale", lines=sale())
        reversal = services.journal_entry_reverse(entry_id=entry.pk, reason="keyed twice", entry_date=DAY)

        assert reversal.reversal_of == entry
        assert selectors.account_balance(key="receivables") == Decimal("0.00")
        with pytest.raises(Conflict):
            services.journal_entry_reverse(entry_id=entry.pk, reason="again")
        with pytest.raises(Conflict):
            services.journal_entry_reverse(entry_id=reversal.pk, reason="reverse the reversal")


@pytest.mark.django_db
class TestDatabaseGuards:
    """The same rules hold when the service is bypassed."""

    def test_the_deferred_trigger_refuses_an_unbalanced_entry(self):
        bank, revenue = Account.objects.get(key="bank"), Account.objects.get(key="revenue")
        with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
            entry = JournalEntry.objects.create(number="JE-X-1", date=DAY, memo="raw", source="manual")
            JournalLine.objects.create(
                entry=entry, account=bank, debit=Decimal("10"), currency="EUR", amount_currency=10
            )
            JournalLine.objects.create(
                entry=entry, account=revenue, credit=Decimal("9"), currency="EUR", amount_currency=-9
            )
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would do

    def test_an_entry_without_lines_is_refused(self):
        with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
            JournalEntry.objects.create(number="JE-X-2", date=DAY, memo="empty", source="manual")
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def test_a_line_with_both_sides_violates_a_check_constraint(self):
        entry = services.journal_entry_post(entry_date=DAY, memo="sale", lines=sale())
        with pytest.raises(IntegrityError), transaction.atomic():
            JournalLine.objects.create(
                entry=entry,
                account=entry.lines.first().account,
                debit=1,
                credit=1,
                currency="EUR",
                amount_currency=0,
            )

    def test_posted_lines_and_entries_cannot_be_updated_or_deleted(self):
        entry = services.journal_entry_post(entry_date=DAY, memo="sale", lines=sale())
        line = entry.lines.first()
        for statement, pk in (
            ("UPDATE ledger_journalline SET debit = 1 WHERE id = %s", line.pk),
            ("DELETE FROM ledger_journalline WHERE id = %s", line.pk),
            ("UPDATE ledger_journalentry SET memo = 'rewritten' WHERE id = %s", entry.pk),
            ("DELETE FROM ledger_journalentry WHERE id = %s", entry.pk),
        ):
            with (
                pytest.raises(InternalError, match="Cannot"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement, [pk])
        with pytest.raises(InternalError), transaction.atomic():
            JournalLine.objects.filter(pk=line.pk).update(debit=Decimal("1.00"))


@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_entry_is_refused_at_commit():
    bank = Account.objects.get(key="bank")
    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        entry = JournalEntry.objects.create(number="JE-X-3", date=DAY, memo="raw", source="manual")
        JournalLine.objects.create(
            entry=entry, account=bank, debit=Decimal("5"), currency="EUR", amount_currency=5
        )
    assert not JournalEntry.objects.filter(number="JE-X-3").exists()


@pytest.mark.django_db
class TestTrialBalance:
    def test_it_balances_and_respects_the_as_of_date(self):
        services.journal_entry_post(entry_date=date(2026, 10, 31), memo="sale", lines=sale("238.00"))
        services.journal_entry_post(
            entry_date=date(2026, 11, 15),
            memo="payment",
            lines=[
                LineSpec(account="bank", debit=Decimal("100.00")),
                LineSpec(account="receivables", credit=Decimal("100.00")),
            ],
        )

        october = selectors.trial_balance(as_of=date(2026, 10, 31))
        today = selectors.trial_balance()

        rows = {row.code: row for row in october.accounts}
        assert (rows["1100"].debit, rows["4000"].credit, rows["2000"].credit) == (
            Decimal("238.00"),
            Decimal("200.00"),
            Decimal("38.00"),
        )
        assert october.total_debit == october.total_credit == Decimal("238.00")
        rows = {row.code: row for row in today.accounts}
        assert rows["1100"].balance == Decimal("138.00") and rows["1000"].debit == Decimal("100.00")
        assert today.balanced and today.total_debit == Decimal("238.00")

    def test_it_is_one_query(self, django_assert_num_queries):
        services.journal_entry_post(entry_date=DAY, memo="sale", lines=sale())
        with django_assert_num_queries(1):
            selectors.trial_balance(as_of=DAY)
