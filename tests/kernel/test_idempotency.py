"""`Idempotency-Key` as API.md says: replay, 422 on a different body, 409 while in flight."""

import threading

import pytest
from rest_framework.test import APIClient

from ledger.models import JournalEntry
from tests.kernel import idempotency_urls

ENTRIES = "/api/v1/ledger/entries/"


def entry_body(amount: str = "50.00") -> dict:
    return {
        "date": "2026-11-23",
        "memo": "Opening cash",
        "lines": [{"account": "bank", "debit": amount}, {"account": "equity", "credit": amount}],
    }


@pytest.mark.django_db
class TestReplay:
    def test_same_key_same_body_replays_the_first_response_and_changes_nothing(self, api_client_for):
        client = api_client_for("finance")
        first = client.post(ENTRIES, entry_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        second = client.post(ENTRIES, entry_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

        assert first.status_code == 201
        assert "Idempotent-Replayed" not in first
        assert second.status_code == 201
        assert second["Idempotent-Replayed"] == "true"
        assert second.json() == first.json()
        assert JournalEntry.objects.count() == 1

    def test_same_key_different_body_is_refused_with_422(self, api_client_for):
        client = api_client_for("finance")
        client.post(ENTRIES, entry_body("50.00"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        reused = client.post(ENTRIES, entry_body("60.00"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

        assert reused.status_code == 422
        assert JournalEntry.objects.count() == 1

    def test_keys_are_scoped_per_user(self, api_client_for):
        alice = api_client_for("finance", "alice")
        bob = api_client_for("finance", "bob")
        assert (
            alice.post(ENTRIES, entry_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
        )
        assert (
            bob.post(ENTRIES, entry_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
        )
        assert JournalEntry.objects.count() == 2

    def test_a_failed_request_is_not_remembered_and_leaves_nothing(self, api_client_for):
        client = api_client_for("finance")
        unbalanced = entry_body()
        unbalanced["lines"][1]["credit"] = "49.99"
        refused = client.post(ENTRIES, unbalanced, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
        fixed = client.post(ENTRIES, entry_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-3")

        assert refused.status_code == 400 and "lines" in refused.json()
        assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed
        assert JournalEntry.objects.count() == 1

    def test_without_a_key_each_post_acts(self, api_client_for):
        client = api_client_for("finance")
        client.post(ENTRIES, entry_body(), format="json")
        client.post(ENTRIES, entry_body(), format="json")
        assert JournalEntry.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.kernel.idempotency_urls")
def test_a_second_request_while_the_first_is_in_flight_gets_409(api_client_for):
    first_client = api_client_for("finance")
    second_client = APIClient()  # the same user, on its own connection
    second_client.credentials(**first_client._credentials)
    idempotency_urls.entered.clear()
    idempotency_urls.release.clear()
    responses = {}

    def first():
        responses["first"] = first_client.post("/slow/", {"n": 1}, format="json", HTTP_IDEMPOTENCY_KEY="busy")

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert idempotency_urls.entered.wait(timeout=10)
        in_flight = second_client.post("/slow/", {"n": 1}, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    finally:
        idempotency_urls.release.set()
        thread.join(timeout=20)

    assert in_flight.status_code == 409
    assert responses["first"].status_code == 201
    replay = second_client.post("/slow/", {"n": 1}, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == {"echo": {"n": 1}}
