"""The ledger API: manual entries within the amount bound, a trial balance that never fails."""

from datetime import date
from decimal import Decimal

import pytest

from ledger.models import Account, JournalEntry, JournalLine
from ledger.services import LineSpec, journal_entry_post
from tests.errors import error_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_for(client, make_user):
    def login(role, username=None):
        client.force_login(make_user(role, username))
        return client

    return login


ENTRIES = "/api/v1/ledger/entries/"
TRIAL_BALANCE = "/api/v1/ledger/trial-balance/"
PROBE = "9999999999999999.99"  # what numeric(18, 2) holds: the probe of issue 11


def manual(amount: str, day: str = "2026-11-02") -> dict:
    return {
        "date": day,
        "memo": "probe",
        "lines": [{"account": "bank", "debit": amount}, {"account": "revenue", "credit": amount}],
    }


def test_a_manual_entry_beyond_the_amount_bound_is_refused(api_client_for):
    # Issue 11: two 9,999,999,999,999,999.99 lines were accepted, then the trial balance answered 500.
    response = api_client_for("finance").post(ENTRIES, manual(PROBE), format="json")
    assert response.status_code == 400 and "lines" in response.json()
    assert error_code(response) == "out_of_range"
    assert not JournalEntry.objects.exists()


def test_the_largest_amount_is_accepted(api_client_for):
    response = api_client_for("finance").post(ENTRIES, manual("9999999999.99"), format="json")
    assert response.status_code == 201, response.content
    over = api_client_for("finance", "f2").post(ENTRIES, manual("10000000000.00"), format="json")
    assert over.status_code == 400 and "lines" in over.json() and error_code(over) == "out_of_range"


def _posted_before_the_bound(amount: str) -> None:
    """An entry as the probe left it in the books before the bound existed (rows written directly)."""
    entry = JournalEntry.objects.create(
        number=f"JE-PROBE-{amount}", date=date(2026, 11, 2), memo="probe", source="manual"
    )
    JournalLine.objects.bulk_create(
        [
            JournalLine(
                entry=entry,
                account=Account.objects.get(key="bank"),
                debit=Decimal(amount),
                currency="EUR",
                amount_currency=Decimal(amount),
            ),
            JournalLine(
                entry=entry,
                account=Account.objects.get(key="revenue"),
                credit=Decimal(amount),
                currency="EUR",
                amount_currency=-Decimal(amount),
            ),
        ]
    )


def test_the_trial_balance_answers_with_the_probe_entries_in_the_books(api_client_for, browser_for):
    journal_entry_post(
        entry_date=date(2026, 11, 1),
        memo="a sale",
        lines=[
            LineSpec(account="bank", debit=Decimal("10.00")),
            LineSpec(account="revenue", credit=Decimal("10.00")),
        ],
    )
    _posted_before_the_bound(PROBE)
    _posted_before_the_bound("9999999999999999.98")
    client = api_client_for("finance")
    response = client.get(TRIAL_BALANCE)
    assert response.status_code == 200
    body = response.json()
    bank = next(row for row in body["accounts"] if row["code"] == Account.objects.get(key="bank").code)
    assert bank["debit"] == "20000000000000009.97"
    assert body["total_debit"] == body["total_credit"] == "20000000000000009.97"
    csv = client.get(f"{TRIAL_BALANCE}?format=csv")
    assert csv.status_code == 200 and "20000000000000009.97" in csv.content.decode()
    page_csv = browser_for("finance", "f3").get("/ledger/trial-balance/?export=csv")
    assert (
        page_csv.status_code == 200
        and "20000000000000009.97" in b"".join(page_csv.streaming_content).decode()
    )
    page = browser_for("finance", "f2").get("/ledger/trial-balance/")
    assert page.status_code == 200


def test_the_posting_service_bounds_every_line():
    from o2c.errors import DomainError

    with pytest.raises(DomainError) as refused:
        journal_entry_post(
            entry_date=date(2026, 11, 2),
            memo="probe",
            lines=[
                LineSpec(account="bank", debit=Decimal(PROBE)),
                LineSpec(account="revenue", credit=Decimal(PROBE)),
            ],
        )
    assert (refused.value.field, refused.value.code) == ("lines", "amount_too_large")
