"""Bank statements through the API (API.md, "Imports and bank files"): upload a CAMT.053 file or
a CSV of a mapped layout, read each line's proposed match with its reason, record the matched
lines as payments, once; wrong files are a 400 naming `file` and write nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from receivables.bank.tests.builders import MAPPING, csv_file, remember_layout, today
from receivables.bank.tests.test_camt import BOMB, XXE
from receivables.models import Allocation, BankColumnMapping, BankStatement, BankStatementLine, Payment
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice
from tests.errors import error_code

pytestmark = pytest.mark.django_db
URL = "/api/v1/bank-statements/"


@pytest.fixture
def finance(api_client_for):
    return api_client_for("finance")


def camt(*entries: tuple[str, str, str]) -> bytes:
    """A CAMT.053 statement booked today: (amount, CRDT/DBIT, remittance text) per entry."""
    booked = timezone.localdate().isoformat()
    body = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>{booked}</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf>"
        "</TxDtls></NtryDtls></Ntry>"
        for amount, side, text in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        f"<BkToCstmrStmt><Stmt><Id>S-1</Id>{body}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def upload(client, content: bytes, name: str = "statement.xml", **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, content), **fields}, format="multipart")


def nothing_written() -> bool:
    return not (
        BankStatement.objects.exists()
        or BankStatementLine.objects.exists()
        or Payment.objects.exists()
        or BankColumnMapping.objects.exists()
    )


def test_a_camt_statement_is_matched_with_reasons_then_recorded_as_payments(finance):
    acme = a_customer(code="ACME")
    named = an_invoice(acme, "100.00")
    harbour = a_customer(code="HARB")
    older, newer = an_invoice(harbour, "60.00"), an_invoice(harbour, "60.00")
    lone = an_invoice(a_customer(), "77.70")
    content = camt(
        ("100.00", "CRDT", f"payment {named.number}"),
        ("90.00", "CRDT", "HARB march"),
        ("77.70", "CRDT", "thank you"),
        ("12.00", "CRDT", "nobody"),
        ("30.00", "DBIT", "bank fee"),
    )
    response = upload(finance, content)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["already_imported"] is False and body["format"] == "camt053"
    by_number, by_code, by_amount, nothing, debit = body["lines"]
    assert (by_number["status"], by_number["customer"], by_number["reason_code"]) == (
        "matched",
        acme.pk,
        "invoice_number_in_reference",
    )
    assert named.number in by_number["reason"]
    assert by_number["allocations"] == [
        {
            "invoice": named.pk,
            "invoice_number": named.number,
            "amount": "100.00",
            "reason": "invoice_number_in_reference",
        }
    ]
    assert by_code["reason_code"] == "customer_code_in_reference" and by_code["customer_code"] == "HARB"
    assert [(a["invoice"], a["amount"], a["reason"]) for a in by_code["allocations"]] == [
        (older.pk, "60.00", "oldest_due"),
        (newer.pk, "30.00", "oldest_due"),
    ]
    assert by_amount["reason_code"] == "amount_matches_one_invoice"
    assert by_amount["allocations"][0]["invoice"] == lone.pk
    assert (nothing["status"], nothing["reason_code"], nothing["customer"]) == (
        "unmatched",
        "nothing_found",
        None,
    )
    assert (debit["status"], debit["reason_code"]) == ("ignored", "debit")
    assert not Payment.objects.exists()

    recorded = finance.post(f"{URL}{body['id']}/record/", {}, format="json")

    assert recorded.status_code == 200, recorded.json()
    answer = recorded.json()
    assert [(r["line_no"], r["outcome"]) for r in answer["results"]] == [
        (1, "recorded"),
        (2, "recorded"),
        (3, "recorded"),
    ]
    numbers = {r["line_no"]: r["payment_number"] for r in answer["results"]}
    assert all(number.startswith("PAY-") for number in numbers.values())
    lines = {line["line_no"]: line for line in answer["lines"]}
    assert lines[1]["status"] == "recorded" and lines[1]["payment_number"] == numbers[1]
    assert lines[4]["status"] == "unmatched" and lines[4]["payment"] is None
    assert Payment.objects.count() == 3
    reasons = {
        (a.invoice_id, a.reason)
        for a in Allocation.objects.filter(payment__source=Payment.Source.BANK_STATEMENT)
    }
    assert reasons == {
        (named.pk, "invoice_number_in_reference"),
        (older.pk, "oldest_due"),
        (newer.pk, "oldest_due"),
        (lone.pk, "amount_matches_one_invoice"),
    }
    named.refresh_from_db()
    assert named.balance == 0
    assert_books_in_step()

    detail = finance.get(f"{URL}{body['id']}/")
    assert detail.status_code == 200 and len(detail.json()["lines"]) == 5
    listed = finance.get(URL).json()
    assert listed["count"] == 1 and listed["results"][0]["recorded"] == 3

    again = finance.post(f"{URL}{body['id']}/record/", {}, format="json")
    assert again.status_code == 200 and again.json()["results"] == []
    named_again = finance.post(
        f"{URL}{body['id']}/record/", {"lines": [by_number["id"], nothing["id"]]}, format="json"
    ).json()["results"]
    assert [(r["outcome"], r["payment_number"]) for r in named_again] == [
        ("already_recorded", numbers[1]),
        ("not_recorded", None),
    ]
    assert named_again[1]["error_code"] == "line_not_matched"
    assert Payment.objects.count() == 3
    assert_books_in_step()


def test_the_same_file_twice_answers_the_statement_it_made_and_records_nothing_twice(finance):
    invoice = an_invoice(a_customer(), "40.00")
    content = camt(("40.00", "CRDT", invoice.number))
    first = upload(finance, content).json()
    finance.post(f"{URL}{first['id']}/record/", {}, format="json")

    second = upload(finance, content, name="renamed.xml")

    assert second.status_code == 200
    assert second.json()["id"] == first["id"] and second.json()["already_imported"] is True
    assert BankStatement.objects.count() == 1 and BankStatementLine.objects.count() == 1
    assert Payment.objects.count() == 1
    assert_books_in_step()


def test_a_csv_of_a_mapped_layout_is_imported_and_matched(finance):
    customer = a_customer(code="CSVC")
    invoice = an_invoice(customer, "25.00")
    remember_layout()
    response = upload(
        finance,
        csv_file((today(), "25.00", f"for {invoice.number}", "Someone")),
        name="bank.csv",
        currency="EUR",
    )
    assert response.status_code == 201, response.json()
    (line,) = response.json()["lines"]
    assert (line["customer"], line["reason_code"], line["currency"]) == (
        customer.pk,
        "invoice_number_in_reference",
        "EUR",
    )
    assert response.json()["format"] == "csv"


def test_a_csv_of_a_new_layout_needs_its_mapping_once(finance):
    customer = a_customer(code="NEWL")
    content = csv_file((today(), "10.00", "NEWL", "x"))

    refused = upload(finance, content, name="bank.csv")

    assert refused.status_code == 400 and error_code(refused) == "csv_mapping_needed"
    assert "map its columns once" in refused.json()["file"][0]
    assert nothing_written()

    wrong = upload(
        finance,
        content,
        name="bank.csv",
        date_column="When",
        amount_column="Amount",
        reference_column="Reference",
    )
    assert wrong.status_code == 400 and "date_column" in wrong.json()
    assert nothing_written()

    mapped = upload(finance, content, name="bank.csv", **{k: v for k, v in MAPPING.__dict__.items()})
    assert mapped.status_code == 201, mapped.json()
    assert mapped.json()["lines"][0]["customer"] == customer.pk
    assert BankColumnMapping.objects.count() == 1  # the next file of this layout maps itself


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"this is not a statement\x00\x01\x02\xff" * 10,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"<html><body>not camt</body></html>",
        b"<?xml version='1.0'?><Document><unclosed>",
        BOMB,
        XXE,
    ],
    ids=["empty", "binary", "png", "html", "broken-xml", "billion-laughs", "xxe"],
)
def test_a_wrong_file_is_a_400_naming_file_and_writes_nothing(finance, content):
    response = upload(finance, content)
    assert response.status_code == 400, response.content
    assert "file" in response.json() and error_code(response)
    assert nothing_written()


def test_a_plain_text_file_is_a_csv_of_no_known_layout(finance):
    response = upload(finance, b"hello\nworld\n", name="notes.txt")
    assert response.status_code == 400 and "file" in response.json()
    assert nothing_written()


def test_no_file_is_a_400_naming_file(finance):
    response = finance.post(URL, {"currency": "EUR"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_lines_of_another_statement_are_refused_naming_lines(finance):
    first = upload(finance, camt(("5.00", "CRDT", "a"))).json()
    second = upload(finance, camt(("6.00", "CRDT", "b"))).json()
    response = finance.post(
        f"{URL}{first['id']}/record/", {"lines": [second["lines"][0]["id"]]}, format="json"
    )
    assert response.status_code == 400 and "lines" in response.json()
    assert error_code(response) == "does_not_exist"


@pytest.mark.parametrize("role", ["sales", "warehouse"])
def test_bank_statements_are_for_finance_and_manager(api_client_for, role):
    client = api_client_for(role)
    assert client.get(URL).status_code == 403
    assert upload(client, camt(("1.00", "CRDT", "x"))).status_code == 403
    assert nothing_written()


def test_a_manager_may_upload_and_record(api_client_for):
    manager = api_client_for("manager")
    invoice = an_invoice(a_customer(), "15.00")
    statement = upload(manager, camt(("15.00", "CRDT", invoice.number))).json()
    answer = manager.post(f"{URL}{statement['id']}/record/", {}, format="json")
    assert answer.status_code == 200 and answer.json()["results"][0]["outcome"] == "recorded"


def test_an_unknown_statement_is_404(finance):
    assert finance.get(f"{URL}999999/").status_code == 404
    assert finance.post(f"{URL}999999/record/", {}, format="json").status_code == 404


def test_an_upload_with_an_idempotency_key_is_answered_again_from_its_first_answer(finance):
    content = camt(("8.00", "CRDT", "nobody"))
    first = finance.post(
        URL, {"file": SimpleUploadedFile("s.xml", content)}, format="multipart", HTTP_IDEMPOTENCY_KEY="bank-1"
    )
    again = finance.post(
        URL, {"file": SimpleUploadedFile("s.xml", content)}, format="multipart", HTTP_IDEMPOTENCY_KEY="bank-1"
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert BankStatement.objects.count() == 1
