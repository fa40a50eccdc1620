"""`POST /payments/bulk/` (decision 0047): a bank feed's batch, each item recorded as
`POST /payments/` would, in its own transaction, with its own result."""

from __future__ import annotations

import pytest
from django.utils import timezone

from invoicing.models import Invoice
from ledger.models import JournalEntry
from o2c.api_bulk import MAX_ITEMS
from receivables.models import Allocation, Payment
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice
from tests.errors import error_code

pytestmark = pytest.mark.django_db

BULK = "/api/v1/payments/bulk/"


def a_payment(customer, amount, reference="", **extra):
    today = timezone.localdate().isoformat()
    return {"customer": customer.pk, "amount": amount, "reference": reference, "received_on": today, **extra}


def test_a_bank_feed_batch_with_good_and_bad_lines(api_client_for):
    client = api_client_for("finance")
    customer = a_customer()
    first, second = an_invoice(customer, "100.00"), an_invoice(customer, "80.00")
    items = [
        a_payment(customer, "100.00", first.number),
        a_payment(customer, "-3.00", "refund?"),
        a_payment(customer, "100.00", first.number),  # the same transfer again: a duplicate
        {"customer": customer.pk, "amount": "10.00"},  # no date
        a_payment(customer, "80.00", "transfer 2", allocations=[{"invoice": second.pk, "amount": "80.00"}]),
    ]
    response = client.post(BULK, {"items": items}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["failed"]) == (2, 3)
    assert [r["status"] for r in body["results"]] == [201, 400, 400, 400, 201]
    assert body["results"][0]["body"]["allocations"][0]["invoice"] == first.pk
    assert "amount" in body["results"][1]["body"]
    assert "confirm_duplicate" in body["results"][2]["body"]
    assert "received_on" in body["results"][3]["body"] and body["results"][3]["body"]["code"] == "required"
    assert all(r["body"]["code"] for r in body["results"] if r["status"] >= 400)
    paid = body["results"][4]["body"]
    assert client.get(f"/api/v1/payments/{paid['id']}/").json() == paid
    assert Payment.objects.count() == 2
    assert set(Invoice.objects.values_list("status", flat=True)) == {"paid"}
    # the single endpoint answers the duplicate the same way
    single = client.post("/api/v1/payments/", items[2], format="json")
    assert single.status_code == 400 and single.json() == body["results"][2]["body"]
    assert_books_in_step()


def test_a_failing_payment_leaves_nothing_half_written(api_client_for):
    """An allocation above the invoice's balance fails the item after its checks began: no
    payment, allocation or posting of it remains, and the invoice is untouched."""
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    entries = JournalEntry.objects.count()
    items = [
        a_payment(customer, "150.00", "too much", allocations=[{"invoice": invoice.pk, "amount": "100.01"}]),
        a_payment(customer, "40.00", "part"),
    ]
    body = api_client_for("finance").post(BULK, {"items": items}, format="json").json()
    assert [r["status"] for r in body["results"]] == [409, 201]
    assert Payment.objects.get().reference == "part"
    assert Allocation.objects.get().amount == 40
    assert JournalEntry.objects.count() == entries + 1
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == ("partially_paid", 40)
    assert_books_in_step()


def test_more_than_500_items_are_refused_whole(api_client_for):
    customer = a_customer()
    response = api_client_for("finance").post(
        BULK, {"items": [a_payment(customer, "1.00")] * (MAX_ITEMS + 1)}, format="json"
    )
    assert response.status_code == 400
    assert "items" in response.json() and error_code(response) == "max_length"
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"), [("finance", True), ("manager", True), ("sales", False), ("warehouse", False)]
)
def test_roles_are_those_of_the_single_endpoint(api_client_for, role, allowed):
    customer = a_customer()
    response = api_client_for(role).post(BULK, {"items": [a_payment(customer, "5.00")]}, format="json")
    assert response.status_code == (200 if allowed else 403)
    assert Payment.objects.exists() is allowed


def test_idempotency_key_replays_the_batch(api_client_for):
    client = api_client_for("finance")
    customer = a_customer()
    an_invoice(customer, "100.00")
    payload = {"items": [a_payment(customer, "60.00", "A"), a_payment(customer, "0", "B")]}
    first = client.post(BULK, payload, format="json", HTTP_IDEMPOTENCY_KEY="feed-2026-12-07")
    assert first.json()["created"] == 1
    again = client.post(BULK, payload, format="json", HTTP_IDEMPOTENCY_KEY="feed-2026-12-07")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Payment.objects.count() == 1


# 44 queries per payment when written (the savepoint, the customer's lock, the proposal, the
# allocation, the postings, the held orders' re-check, the answer read back).
QUERIES_PER_ITEM = 50
QUERIES_PER_REQUEST = 10


def test_queries_per_item_are_bounded(api_client_for, django_assert_max_num_queries):
    client = api_client_for("finance")
    customer = a_customer()
    for _ in range(20):
        an_invoice(customer, "10.00")
    for count in (1, 20):
        items = [a_payment(customer, "10.00", f"batch of {count}, line {n}") for n in range(count)]
        with django_assert_max_num_queries(QUERIES_PER_REQUEST + count * QUERIES_PER_ITEM):
            assert client.post(BULK, {"items": items}, format="json").json()["created"] == count
