"""Payments, disputes, bank statements and their lines change status through their TRANSITIONS
tables: each change writes an event row with the actor; a move the table does not list is a 409
and changes nothing (docs/decisions/0037)."""

import pytest
from django.utils import timezone

from o2c import pipeline
from o2c.errors import InvalidTransition
from o2c.states import transition
from receivables.bank import services as bank_services
from receivables.bank.tests.builders import csv_file, import_csv, lines_of, record, today
from receivables.models import BankStatement, BankStatementLine, Dispute, Payment
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db

Line = BankStatementLine.Status


def _moves(document):
    return [(e.event, e.from_status, e.to_status, e.actor, e.detail) for e in document.events.all()]


def test_a_reversed_payment_records_who_reversed_it_and_cannot_be_reversed_again(make_user):
    finance = make_user("finance")
    customer = a_customer()
    an_invoice(customer, "50.00")
    payment = pipeline.payment_record(
        customer_id=customer.pk, amount="50.00", received_on=timezone.localdate(), by=finance
    )

    pipeline.payment_reverse(payment_id=payment.pk, reason="returned by the bank", by=finance)

    payment = Payment.objects.get(pk=payment.pk)
    assert _moves(payment) == [("reversed", "posted", "reversed", finance, "returned by the bank")]
    with pytest.raises(InvalidTransition) as refused:
        transition(payment, Payment.Status.POSTED, by=finance)
    assert refused.value.status_code == 409
    payment.refresh_from_db()
    assert payment.status == "reversed" and payment.events.count() == 1


@pytest.mark.parametrize("outcome", ["rejected", "withdrawn", "credit_note"])
def test_a_resolved_dispute_records_who_resolved_it_and_stays_resolved(make_user, outcome):
    finance = make_user("finance")
    invoice = an_invoice(a_customer(), "100.00")
    dispute = pipeline.dispute_open(invoice_id=invoice.pk, amount="20.00", reason="damaged", by=finance)

    pipeline.dispute_resolve(dispute_id=dispute.pk, outcome=outcome, note="checked", by=finance)

    dispute = Dispute.objects.get(pk=dispute.pk)
    target = "credited" if outcome == "credit_note" else outcome
    ((event, source, to, actor, _),) = _moves(dispute)
    assert (event, source, to, actor) == (target, "open", target, finance)
    for again in ["open", "rejected", "withdrawn", "credited"]:
        with pytest.raises(InvalidTransition):
            transition(dispute, again, by=finance)
    dispute.refresh_from_db()
    assert dispute.status == target and dispute.events.count() == 1


def test_the_clerks_decisions_and_the_recording_are_on_the_lines_and_the_statement(
    make_user, django_capture_on_commit_callbacks
):
    clerk = make_user("finance")
    acme = a_customer(code="ACME")
    invoice = an_invoice(acme, "100.00")
    statement = import_csv(csv_file((today(), "100.00", invoice.number, ""), (today(), "-5.00", "fee", "")))
    credit, debit = lines_of(statement)
    assert (credit.status, debit.status) == (Line.MATCHED, Line.IGNORED)  # set on import: no event

    bank_services.line_decide(statement_id=statement.pk, line_id=credit.pk, action="confirm", by=clerk)
    statement = record(statement, django_capture_on_commit_callbacks, by=clerk)

    credit.refresh_from_db()
    assert statement.status == BankStatement.Status.RECORDED
    assert [m[:4] for m in _moves(credit)] == [
        ("confirmed", "matched", "confirmed", clerk),
        ("recorded", "confirmed", "recorded", clerk),
    ]
    assert _moves(credit)[-1][-1] == credit.payment.number
    assert [m[:4] for m in _moves(statement)] == [
        ("recording", "review", "recording", clerk),
        ("recorded", "recording", "recorded", clerk),
    ]
    assert not debit.events.exists()


def test_a_recorded_or_duplicate_line_is_final(make_user, django_capture_on_commit_callbacks):
    clerk = make_user("finance")
    invoice = an_invoice(a_customer(code="ACME"), "30.00")
    statement = import_csv(csv_file((today(), "30.00", invoice.number, "")))
    bank_services.matched_confirm(statement_id=statement.pk, by=clerk)
    record(statement, django_capture_on_commit_callbacks, by=clerk)
    (line,) = lines_of(statement)
    assert line.status == Line.RECORDED
    for target in [Line.UNMATCHED, Line.MATCHED, Line.CONFIRMED, Line.IGNORED, Line.DUPLICATE]:
        with pytest.raises(InvalidTransition):
            transition(line, target, by=clerk)
    assert line.events.first().detail == "every matched line confirmed at once"


def test_a_second_recording_while_one_runs_is_refused_by_the_row_count(make_user):
    clerk = make_user("finance")
    invoice = an_invoice(a_customer(code="ACME"), "30.00")
    statement = import_csv(csv_file((today(), "30.00", invoice.number, "")))
    bank_services.matched_confirm(statement_id=statement.pk, by=clerk)

    assert bank_services.bank_statement_recording_begin(statement_id=statement.pk, by=clerk) == 1
    with pytest.raises(Exception, match="being recorded already") as refused:
        bank_services.bank_statement_recording_begin(statement_id=statement.pk, by=clerk)

    assert refused.value.status_code == 409
    statement.refresh_from_db()
    assert statement.status == BankStatement.Status.RECORDING
    assert statement.events.filter(to_status="recording").count() == 1
