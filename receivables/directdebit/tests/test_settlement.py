"""Settlement and returns through the bank statement: a CAMT.053 file crediting a run's batch
settles each collection with its own payment applied to its invoice; a CSV line naming the run
for its pending total does too; a returned debit (CAMT, with the bank's reason code) reverses
that payment, reopens the invoice, says the reason in words, revokes the mandate for MD01 and
its kind, and puts the customer first on the worklist. The books are in step after each step."""

from decimal import Decimal

import pytest
from django.utils import timezone

from receivables.bank import services as bank_services
from receivables.bank.tests.builders import csv_file, import_csv, lines_of, record, remember_layout
from receivables.collections.worklist import TIER_FOLLOW_UP, worklist
from receivables.directdebit.tests.builders import (
    IBANS,
    a_customer_with_mandate,
    a_run,
    collected_statement,
    import_camt,
    returned_statement,
)
from receivables.models import Activity, BankStatementLine, DirectDebitItem, Mandate, Payment
from tests.books import assert_books_in_step
from tests.builders import an_invoice

pytestmark = pytest.mark.django_db
D = Decimal
Line = BankStatementLine.Status


@pytest.fixture
def collected(django_capture_on_commit_callbacks):
    """Two customers' invoices collected by a run and credited by the bank's CAMT.053 batch."""
    alpha, _ = a_customer_with_mandate(IBANS[0])
    beta, _ = a_customer_with_mandate(IBANS[1])
    first, second = an_invoice(alpha, "119.00"), an_invoice(beta, "250.50")
    run = a_run()
    items = list(run.items.select_related("run", "mandate", "invoice").order_by("pk"))
    statement = import_camt(collected_statement(items))
    lines = lines_of(statement)
    assert [(line.amount, line.status, line.match_reason) for line in lines] == [
        (D("119.00"), Line.MATCHED, "direct_debit"),
        (D("250.50"), Line.MATCHED, "direct_debit"),
    ]
    assert "collected" in lines[0].match_note and items[0].end_to_end_id in lines[0].match_note
    bank_services.matched_confirm(statement_id=statement.pk)
    record(statement, django_capture_on_commit_callbacks)
    assert statement.status == "recorded"
    return {"alpha": alpha, "beta": beta, "first": first, "second": second, "run": run, "items": items}


def test_a_camt053_batch_settles_exactly_the_collected_invoices(collected):
    for invoice, item in zip((collected["first"], collected["second"]), collected["items"], strict=True):
        invoice.refresh_from_db()
        item.refresh_from_db()
        assert invoice.balance == 0
        assert item.status == DirectDebitItem.Status.SETTLED and item.settled_on == timezone.localdate()
        payment = item.payment
        assert payment.method == Payment.Method.DIRECT_DEBIT and payment.amount == item.amount
        assert payment.reference == item.end_to_end_id
        assert [(a.invoice_id, a.amount, a.reason) for a in payment.allocations.all()] == [
            (invoice.pk, item.amount, "direct_debit")
        ]
    assert Payment.objects.count() == 2
    assert_books_in_step()


def test_the_same_statement_again_settles_nothing_twice(collected):
    items = [
        DirectDebitItem.objects.select_related("run", "mandate", "invoice").get(pk=i.pk)
        for i in collected["items"]
    ]
    again = import_camt(collected_statement(items))  # the same file: the statement it made
    assert again.status == "recorded" and Payment.objects.count() == 2


def test_a_run_total_in_one_line_settles_its_pending_collections(django_capture_on_commit_callbacks):
    alpha, _ = a_customer_with_mandate(IBANS[0])
    beta, _ = a_customer_with_mandate(IBANS[1])
    first, second = an_invoice(alpha, "100.00"), an_invoice(beta, "23.45")
    run = a_run()
    remember_layout()
    today = timezone.localdate().isoformat()
    statement = import_csv(
        csv_file(
            (today, "123.44", f"SEPA DD {run.number}-FRST", "Bank"),  # a cent short: not this run
            (today, "123.45", f"SEPA-LASTSCHRIFT {run.number}-FRST", "Bank"),
        )
    )
    short, total = lines_of(statement)
    assert short.match_reason != "direct_debit"
    assert total.match_reason == "direct_debit" and "2 direct debits of 2 customer(s)" in total.match_note
    bank_services.line_decide(statement_id=statement.pk, line_id=total.pk, action="confirm")
    record(statement, django_capture_on_commit_callbacks)
    total.refresh_from_db()
    assert total.status == Line.RECORDED and "2 direct-debit payments" in total.match_note
    for invoice in (first, second):
        invoice.refresh_from_db()
        assert invoice.balance == 0
    assert set(run.items.values_list("status", flat=True)) == {"settled"}
    assert_books_in_step()


def return_of(item, code, django_capture_on_commit_callbacks):
    statement = import_camt(returned_statement(item, code), name=f"return-{item.pk}.xml")
    (line,) = lines_of(statement)
    assert line.amount == -item.amount and line.return_code == code
    assert line.status == Line.MATCHED and line.match_reason == "direct_debit_return"
    bank_services.line_decide(statement_id=statement.pk, line_id=line.pk, action="confirm")
    record(statement, django_capture_on_commit_callbacks)
    line.refresh_from_db()
    assert line.status == Line.RECORDED
    return line


def test_insufficient_funds_reopens_the_invoice_and_reaches_the_worklist(
    collected, django_capture_on_commit_callbacks
):
    item = DirectDebitItem.objects.select_related("run", "mandate", "invoice").get(
        pk=collected["items"][0].pk
    )
    line = return_of(item, "AM04", django_capture_on_commit_callbacks)
    assert "AM04 insufficient funds" in line.match_note

    item.refresh_from_db()
    invoice = collected["first"]
    invoice.refresh_from_db()
    assert item.status == DirectDebitItem.Status.RETURNED and item.return_code == "AM04"
    assert item.return_reason == "AM04 insufficient funds"
    assert invoice.balance == D("119.00") and invoice.amount_paid == 0
    assert item.payment.status == Payment.Status.REVERSED
    assert item.mandate.status == Mandate.Status.ACTIVE  # funds: the mandate stays
    note = Activity.objects.get(customer=collected["alpha"])
    assert (
        note.note.startswith("Direct debit returned: AM04 insufficient funds.")
        and note.follow_up_on == timezone.localdate()
    )
    rows = worklist(as_of=timezone.localdate())
    assert rows[0].customer_id == collected["alpha"].pk and rows[0].tier == TIER_FOLLOW_UP
    assert any("AM04 insufficient funds" in reason for reason in rows[0].reasons)
    assert collected["beta"].pk not in {row.customer_id for row in rows}  # paid by its debit
    assert_books_in_step()
    # the invoice can be collected again by the next run, on the same mandate, as recurring
    again = a_run().items.get()
    assert again.invoice_id == invoice.pk and again.sequence == "RCUR"


def test_no_mandate_revokes_it(collected, django_capture_on_commit_callbacks):
    item = DirectDebitItem.objects.select_related("run", "mandate", "invoice").get(
        pk=collected["items"][1].pk
    )
    return_of(item, "MD01", django_capture_on_commit_callbacks)
    mandate = Mandate.objects.get(pk=item.mandate_id)
    assert mandate.status == Mandate.Status.REVOKED
    assert "MD01 no mandate" in mandate.revoke_reason
    collected["second"].refresh_from_db()
    assert collected["second"].balance == D("250.50")
    assert "the mandate is revoked" in Activity.objects.get(customer=collected["beta"]).note
    assert_books_in_step()


def test_a_debit_returned_before_its_credit_was_recorded(django_capture_on_commit_callbacks):
    customer, _ = a_customer_with_mandate()
    invoice = an_invoice(customer, "75.00")
    item = a_run().items.select_related("run", "mandate", "invoice").get()
    return_of(item, "MS02", django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.status == "returned" and item.payment_id is None
    assert item.return_reason == "MS02 refused by the debtor, no reason given"
    invoice.refresh_from_db()
    assert invoice.balance == D("75.00")
    assert_books_in_step()


def test_the_clerk_confirms_a_returned_debit_on_the_statement_page(
    collected, client, make_user, django_capture_on_commit_callbacks
):
    client.force_login(make_user("finance"))
    item = DirectDebitItem.objects.select_related("run", "mandate", "invoice").get(
        pk=collected["items"][0].pk
    )
    statement = import_camt(returned_statement(item, "AM04"), name="return-page.xml")
    (line,) = lines_of(statement)
    page = client.get(f"/cash/bank/{statement.pk}/")
    assert page.status_code == 200 and "returned direct debit" in page.content.decode()
    assert 'data-testid="line-confirm"' in page.content.decode()
    client.post(f"/cash/bank/{statement.pk}/lines/{line.pk}/", {"action": "ignore"})
    line.refresh_from_db()
    assert line.status == Line.IGNORED
    assert 'data-testid="line-restore"' in client.get(f"/cash/bank/{statement.pk}/").content.decode()
    client.post(f"/cash/bank/{statement.pk}/lines/{line.pk}/", {"action": "restore"})
    client.post(f"/cash/bank/{statement.pk}/lines/{line.pk}/", {"action": "confirm"})
    line.refresh_from_db()
    assert line.status == Line.CONFIRMED
    record(statement, django_capture_on_commit_callbacks)
    collected["first"].refresh_from_db()
    assert collected["first"].balance == D("119.00")
    assert_books_in_step()
