"""Explainable cash application (decision 0045): every allocation carries why it went to its
invoice — the invoice number in the reference, oldest due first, the amount matching one invoice
only, or chosen by hand — set where allocations are made, shown on the payment page and in the
API as an enum."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from o2c import pipeline
from receivables.bank import services as bank_services
from receivables.bank.tests.builders import csv_file, import_csv, lines_of, record, today
from receivables.cash.allocation import OpenInvoice, allocation_explain
from receivables.cash.services import AllocationInput
from receivables.models import Allocation
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def reasons(payment) -> list[tuple[int, str, str]]:
    return [(a.invoice_id, f"{a.amount:.2f}", a.reason) for a in Allocation.objects.filter(payment=payment)]


def pay(customer, amount: str, reference: str = "", allocations=None):
    return pipeline.payment_record(
        customer_id=customer.pk,
        amount=D(amount),
        received_on=timezone.localdate(),
        reference=reference,
        allocations=allocations,
    )


def test_the_proposal_says_why_for_each_invoice():
    day = timezone.localdate()
    older = OpenInvoice(1, "INV-2026-000001", day, day, D("40.00"))
    named = OpenInvoice(2, "INV-2026-000002", day, day, D("30.00"))
    proposal = allocation_explain(invoices=[older, named], amount=D("50.00"), reference="INV-2026-000002")
    assert proposal == [(2, D("30.00"), "invoice_number_in_reference"), (1, D("20.00"), "oldest_due")]


def test_an_invoice_number_in_the_reference_then_oldest_due(invoices, customer):
    old, new = invoices
    payment = pay(customer, "120.00", reference=f"for {new.number}")
    assert reasons(payment) == [
        (new.pk, "50.00", "invoice_number_in_reference"),
        (old.pk, "70.00", "oldest_due"),
    ]
    assert_books_in_step()


def test_no_reference_applies_oldest_due_first(invoices, customer):
    old, new = invoices
    payment = pay(customer, "110.00")
    assert reasons(payment) == [(old.pk, "100.00", "oldest_due"), (new.pk, "10.00", "oldest_due")]


def test_allocations_the_clerk_gives_are_manual_and_so_is_applying_cash_later(invoices, customer):
    old, new = invoices
    payment = pay(customer, "80.00", allocations=[AllocationInput(invoice_id=new.pk, amount=D("30.00"))])
    pipeline.payment_apply(
        payment_id=payment.pk, allocations=[AllocationInput(invoice_id=old.pk, amount=D("50.00"))]
    )
    assert reasons(payment) == [(new.pk, "30.00", "manual"), (old.pk, "50.00", "manual")]
    assert_books_in_step()


def test_a_bank_line_whose_amount_is_one_invoice_balance_pays_that_invoice_for_that_reason(
    django_capture_on_commit_callbacks,
):
    customer = a_customer(code="AMT")
    older = an_invoice(customer, "10.00")
    exact = an_invoice(customer, "33.33")
    statement = import_csv(csv_file((today(), "33.33", "no reference here", "Unknown payer")))
    (line,) = lines_of(statement)
    assert line.match_reason == "amount_matches_one_invoice"
    assert line.allocations == [
        {"invoice": exact.pk, "amount": "33.33", "reason": "amount_matches_one_invoice"}
    ]
    bank_services.matched_confirm(statement_id=statement.pk)
    record(statement, django_capture_on_commit_callbacks)
    line.refresh_from_db()
    assert reasons(line.payment) == [(exact.pk, "33.33", "amount_matches_one_invoice")]
    older.refresh_from_db()
    assert older.balance == D("10.00")
    assert_books_in_step()


def test_a_bank_line_the_clerk_corrected_records_manual_allocations(django_capture_on_commit_callbacks):
    customer = a_customer(code="FIX")
    first, second = an_invoice(customer, "20.00"), an_invoice(customer, "20.00")
    statement = import_csv(csv_file((today(), "20.00", "FIX", "")))
    (line,) = lines_of(statement)
    assert line.match_reason == "customer_code_in_reference"
    assert line.allocations == [{"invoice": first.pk, "amount": "20.00", "reason": "oldest_due"}]
    bank_services.line_decide(
        statement_id=statement.pk,
        line_id=line.pk,
        action="save",
        customer_code="FIX",
        allocations={second.pk: "20.00"},
        confirm=True,
    )
    line.refresh_from_db()
    assert line.match_reason == "manual"
    record(statement, django_capture_on_commit_callbacks)
    line.refresh_from_db()
    assert reasons(line.payment) == [(second.pk, "20.00", "manual")]


def test_the_payment_page_shows_each_allocation_with_its_reason(client, make_user, invoices, customer):
    _, new = invoices
    payment = pay(customer, "120.00", reference=new.number)
    client.force_login(make_user("finance"))
    page = client.get(reverse("receivables:payment-detail", args=[payment.pk])).content.decode()
    assert 'data-reason="invoice_number_in_reference">Invoice number in the reference<' in page
    assert 'data-reason="oldest_due">Oldest due first<' in page


def test_the_payments_api_answers_each_allocations_reason(api_client_for, invoices, customer):
    old, new = invoices
    finance = api_client_for("finance")
    auto = finance.post(
        "/api/v1/payments/",
        {"customer": customer.pk, "amount": "60.00", "reference": new.number, "received_on": today()},
        format="json",
    ).json()
    assert [(a["invoice"], a["reason"]) for a in auto["allocations"]] == [
        (new.pk, "invoice_number_in_reference"),
        (old.pk, "oldest_due"),
    ]
    given = finance.post(
        "/api/v1/payments/",
        {
            "customer": customer.pk,
            "amount": "5.00",
            "reference": "by hand",
            "received_on": today(),
            "allocations": [{"invoice": old.pk, "amount": "5.00"}],
        },
        format="json",
    ).json()
    assert [a["reason"] for a in given["allocations"]] == ["manual"]
    Allocation.objects.filter(payment_id=given["id"]).update(reason="")  # made before reasons were kept
    assert finance.get(f"/api/v1/payments/{given['id']}/").json()["allocations"][0]["reason"] is None


def test_the_schema_declares_the_reason_as_an_enum():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    assert components["AllocationReasonEnum"]["enum"] == [
        "invoice_number_in_reference",
        "oldest_due",
        "amount_matches_one_invoice",
        "manual",
        "direct_debit",  # a collection settled by the bank (decision 0065)
    ]
    reason = components["AllocationOut"]["properties"]["reason"]
    assert reason.get("nullable") or any(
        "AllocationReasonEnum" in str(part) for part in reason.get("oneOf", [])
    )
    assert "AllocationReasonEnum" in str(reason)
