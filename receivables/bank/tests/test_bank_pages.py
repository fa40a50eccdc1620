"""Bank statement pages a finance clerk uses: upload, column mapping, review and recording the
confirmed lines as payments, once.

State is built through the builders (services and pipeline); files are made here or read from
fixtures/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from o2c.errors import DomainError
from receivables.bank import services as bank_services
from receivables.bank.files import (
    CsvMapping,
)
from receivables.bank.tasks import bank_statement_record, bank_statement_record_start
from receivables.bank.tests.builders import (
    FIXTURES,
    LIST,
    D,
    Line,
    csv_file,
    import_csv,
    lines_of,
    record,
    remember_layout,
    today,
)
from receivables.models import BankColumnMapping, BankStatement, Payment
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name="bank.csv", **extra):
    return client.post(
        LIST, {"file": SimpleUploadedFile(name, content, "text/csv"), "currency": "EUR", **extra}
    )


def test_a_new_csv_layout_is_mapped_once_and_then_maps_itself(client, finance):
    acme = a_customer(code="ACME")
    invoice = an_invoice(acme, "100.00")
    header = ("Booked", "Value", "Text", "Name")
    first = csv_file(
        (today().replace("-", ""), "100,00", invoice.number, "Acme"), header=header, delimiter=";"
    )

    response = upload(client, first, name="march.csv")
    assert response.status_code == 302 and "/map/" in response["Location"]
    assert not BankStatement.objects.exists()  # nothing is saved before the mapping
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Map the columns" in page.content

    mapped = client.post(
        response["Location"],
        {
            "date_column": "Booked",
            "date_format": "%Y%m%d",
            "amount_column": "Value",
            "decimal_comma": "on",
            "reference_column": "Text",
            "counterparty_column": "Name",
            "name": "Sparkasse",
            "currency": "EUR",
        },
    )
    statement = BankStatement.objects.get()
    assert mapped["Location"] == reverse("receivables:bank-statement", args=[statement.pk])
    assert lines_of(statement)[0].amount == D("100.00")
    remembered = BankColumnMapping.objects.get()
    assert (remembered.name, remembered.delimiter, remembered.decimal_comma) == ("Sparkasse", ";", True)

    second = csv_file((today().replace("-", ""), "7,50", "ACME", "Acme"), header=header, delimiter=";")
    response = upload(client, second, name="april.csv")
    newest = BankStatement.objects.order_by("-pk").first()
    assert response["Location"] == reverse("receivables:bank-statement", args=[newest.pk])
    assert newest.mapping == remembered and lines_of(newest)[0].amount == D("7.50")


def test_review_confirm_and_record_make_payments_applied_to_the_right_invoices(
    client, finance, django_capture_on_commit_callbacks
):
    acme = a_customer(code="ACME", name="Acme Trading GmbH")
    corner = a_customer(code="C00042", name="Corner Shop")
    acme_old = an_invoice(acme, "300.00")
    acme_named = an_invoice(acme, "200.00")
    corner_invoice = an_invoice(corner, "150.00")
    content = csv_file(
        (today(), "200.00", f"Invoice {acme_named.number}", "Acme Trading GmbH"),
        (today(), "-15.00", "fees", ""),
        (today(), "180.00", "C00042", "Corner Shop"),
        (today(), "99.00", "who knows", "Stranger"),
    )
    remember_layout()
    response = upload(client, content, name="march.csv")
    statement = BankStatement.objects.get()
    assert response["Location"] == reverse("receivables:bank-statement", args=[statement.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Acme Trading GmbH" in page.content

    named_line, fee, corner_line, stranger = lines_of(statement)
    edit = client.get(
        reverse("receivables:bank-line", args=[statement.pk, stranger.pk]),
        {"customer": "ACME"},
        HTTP_HX_REQUEST="true",
    )
    assert edit.status_code == 200 and acme_old.number.encode() in edit.content
    saved = client.post(
        reverse("receivables:bank-line", args=[statement.pk, stranger.pk]),
        {"action": "save", "customer": "acme", f"alloc-{acme_old.pk}": "99.00", "confirm": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200 and b'data-status="confirmed"' in saved.content
    client.post(reverse("receivables:bank-confirm-matched", args=[statement.pk]))
    assert statement.lines.filter(status=Line.CONFIRMED).count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        recorded = client.post(reverse("receivables:bank-record", args=[statement.pk]))
    assert recorded.status_code == 302
    statement.refresh_from_db()
    assert statement.status == BankStatement.Status.RECORDED
    assert (statement.lines_done, statement.lines_total) == (3, 3)

    named_line, fee, corner_line, stranger = lines_of(statement)
    assert fee.status == Line.IGNORED and fee.payment is None
    assert named_line.payment.source == Payment.Source.BANK_STATEMENT
    assert named_line.payment.created_by == finance
    for invoice in (acme_old, acme_named, corner_invoice):
        invoice.refresh_from_db()
    assert acme_named.balance == D("0.00")
    assert acme_old.balance == D("201.00")
    assert corner_invoice.balance == D("0.00")
    assert corner_line.payment.unapplied_amount == D("30.00")
    assert stranger.payment.amount == D("99.00") and stranger.payment.customer_id == acme.pk
    assert Payment.objects.count() == 3
    assert_books_in_step()
    page = client.get(reverse("receivables:bank-statement", args=[statement.pk]))
    assert named_line.payment.number.encode() in page.content


def test_the_same_file_uploaded_twice_records_nothing_new(
    client, finance, django_capture_on_commit_callbacks
):
    acme = a_customer(code="ACME")
    invoice = an_invoice(acme, "100.00")
    content = (
        (FIXTURES / "camt053_sample.xml")
        .read_bytes()
        .replace(b"INV-2026-000101", invoice.number.encode())
        .replace(b"2026-03-31", today().encode())
        .replace(b"2026-03-30", today().encode())
    )
    first = upload(client, content, name="stmt.xml")
    statement = BankStatement.objects.get()
    assert first["Location"] == reverse("receivables:bank-statement", args=[statement.pk])
    assert statement.format == BankStatement.Format.CAMT053
    client.post(reverse("receivables:bank-confirm-matched", args=[statement.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("receivables:bank-record", args=[statement.pk]))
    payments = Payment.objects.count()
    assert payments >= 1
    invoice.refresh_from_db()
    assert invoice.balance == D("0.00")

    again = upload(client, content, name="stmt-copy.xml")
    assert again["Location"] == reverse("receivables:bank-statement", args=[statement.pk])
    assert BankStatement.objects.count() == 1
    assert Payment.objects.count() == payments
    followed = client.get(again["Location"])
    assert b"imported before" in followed.content
    with pytest.raises(DomainError):  # nothing left to record
        bank_statement_record_start(statement_id=statement.pk)
    bank_statement_record(statement.pk)  # a task delivered twice records nothing either
    assert Payment.objects.count() == payments
    assert_books_in_step()


def test_an_overlapping_export_skips_the_lines_already_imported(django_capture_on_commit_callbacks):
    acme = a_customer(code="ACME")
    an_invoice(acme, "500.00")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    monday = csv_file((yesterday, "10.00", "ACME 1", ""), (yesterday, "10.00", "ACME 1", ""))
    tuesday = csv_file(
        (yesterday, "10.00", "ACME 1", ""),
        (yesterday, "10.00", "ACME 1", ""),
        (yesterday, "10.00", "ACME 1", ""),  # a third identical line: new
        (today(), "20.00", "ACME 2", ""),
    )
    first = import_csv(monday, name="monday.csv")
    bank_services.matched_confirm(statement_id=first.pk)
    record(first, django_capture_on_commit_callbacks)
    assert Payment.objects.count() == 2

    second = import_csv(tuesday, name="tuesday.csv")
    statuses = [line.status for line in lines_of(second)]
    assert statuses == [Line.DUPLICATE, Line.DUPLICATE, Line.MATCHED, Line.MATCHED]
    assert "monday.csv" in lines_of(second)[0].match_note
    assert bank_services.matched_confirm(statement_id=second.pk) == 2
    record(second, django_capture_on_commit_callbacks)
    assert Payment.objects.count() == 4
    assert_books_in_step()


def test_a_thousand_lines_record_with_progress_up_to_the_total(django_capture_on_commit_callbacks):
    customers = [a_customer(code=f"K{n:03d}") for n in range(10)]
    rows = [(today(), f"{n % 90 + 1}.{n % 100:02d}", f"K{n % 10:03d} ref {n}", "") for n in range(1000)]
    statement = import_csv(csv_file(*rows), name="big.csv")
    assert bank_services.matched_confirm(statement_id=statement.pk) == 1000
    statement = record(statement, django_capture_on_commit_callbacks)
    assert statement.status == BankStatement.Status.RECORDED
    assert statement.lines_total == 1000 and statement.lines_done == statement.lines_total
    assert Payment.objects.filter(source=Payment.Source.BANK_STATEMENT).count() == 1000
    assert not statement.lines.exclude(status=Line.RECORDED).exists()
    assert {p.customer_id for p in Payment.objects.all()} == {c.pk for c in customers}
    assert_books_in_step()


def test_a_line_the_payment_step_refuses_goes_back_to_the_clerk_and_the_others_are_recorded(
    django_capture_on_commit_callbacks,
):
    acme = a_customer(code="ACME")
    invoice = an_invoice(acme, "100.00")
    statement = import_csv(csv_file((today(), "100.00", invoice.number, ""), (today(), "40.00", "ACME", "")))
    first, second = lines_of(statement)
    assert second.allocations == []  # the first line took the invoice
    bank_services.matched_confirm(statement_id=statement.pk)
    # meanwhile, the invoice is paid by hand
    from o2c import pipeline

    pipeline.payment_record(customer_id=acme.pk, amount="100.00", received_on=timezone.localdate())
    statement = record(statement, django_capture_on_commit_callbacks)
    first, second = lines_of(statement)
    assert first.status == Line.MATCHED and first.match_note.startswith("Not recorded:")
    assert second.status == Line.RECORDED
    assert statement.status == BankStatement.Status.REVIEW
    assert "1 line could not be recorded" in statement.error
    assert_books_in_step()


def test_the_progress_bar_polls_while_recording_and_reloads_when_done(client, finance):
    a_customer(code="ACME")
    statement = import_csv(csv_file((today(), "10.00", "ACME", "")))
    bank_services.matched_confirm(statement_id=statement.pk)
    bank_statement_record_start(statement_id=statement.pk)  # queued, not run: no commit here
    page = client.get(reverse("receivables:bank-statement", args=[statement.pk]))
    assert b'data-testid="progress"' in page.content and b"every 1s" in page.content
    assert b'data-testid="record"' not in page.content  # no second start while it runs
    progress = reverse("receivables:bank-progress", args=[statement.pk])
    polling = client.get(progress, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in polling and b"0 of 1 lines" in polling.content
    refused = client.post(reverse("receivables:bank-record", args=[statement.pk]), follow=True)
    assert b"being recorded already" in refused.content
    bank_statement_record(statement.pk, finance.pk)
    done = client.get(progress, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and b"1 of 1 lines" in done.content


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"not a CSV file"),
        (b"just one column\nvalue\nother\n", b"no column separator"),
        (b"", b"empty"),
        (b"Date,Amount,Reference\n", b"no lines"),
        (b"<html><body>hello</body></html>", b"not a CAMT.053"),
    ],
    ids=["binary", "one-column", "empty", "header-only", "html"],
)
def test_a_bad_file_gives_a_clear_message_and_saves_nothing(client, finance, content, message):
    response = upload(client, content, name="bad.csv")
    assert response.status_code == 400
    assert message in response.content
    assert not BankStatement.objects.exists() and not BankColumnMapping.objects.exists()


def test_wrong_columns_or_bad_dates_in_a_mapped_file_save_nothing(client, finance):
    content = csv_file(("2026-02-30", "10.00", "x", "y"))
    response = upload(client, content)
    location = response["Location"]
    mapping = {
        "date_column": "Date",
        "date_format": "%Y-%m-%d",
        "amount_column": "Amount",
        "reference_column": "Reference",
        "counterparty_column": "Payer",
        "currency": "EUR",
    }
    bad_date = client.post(location, mapping)
    assert bad_date.status_code == 400 and b"row 2: the date" in bad_date.content
    bad_amount = client.post(location, {**mapping, "amount_column": "Reference", "date_format": "%d.%m.%Y"})
    assert bad_amount.status_code == 400
    with pytest.raises(DomainError) as missing:
        import_csv(
            content, CsvMapping(date_column="Datum", amount_column="Amount", reference_column="Reference")
        )
    assert missing.value.field == "date_column" and "has no column 'Datum'" in missing.value.message
    assert not BankStatement.objects.exists() and not BankColumnMapping.objects.exists()


def test_the_review_page_runs_a_bounded_number_of_queries(client, finance, django_assert_max_num_queries):
    customers = [a_customer(code=f"Q{n}") for n in range(4)]
    invoices = [an_invoice(customer, "30.00") for customer in customers for _ in range(2)]
    rows = [(today(), "30.00", invoice.number, "") for invoice in invoices]
    rows += [(today(), "-1.00", "fee", ""), (today(), "3.00", "nobody", "")]
    statement = import_csv(csv_file(*rows))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("receivables:bank-statement", args=[statement.pk]))
    assert page.status_code == 200 and page.content.count(b'data-testid="line"') == 10
    with django_assert_max_num_queries(12):
        exported = client.get(reverse("receivables:bank-statement", args=[statement.pk]), {"export": "csv"})
        body = b"".join(exported.streaming_content).decode()
    assert body.splitlines()[0].startswith("line,booking_date,amount")
    assert invoices[0].number in body
    with django_assert_max_num_queries(10):
        listing = client.get(LIST)
    assert listing.status_code == 200 and b"bank.csv" in listing.content


def test_the_clerks_allocation_is_checked_against_the_invoice(client, finance):
    acme = a_customer(code="ACME")
    invoice = an_invoice(acme, "50.00")
    statement = import_csv(csv_file((today(), "80.00", "ACME", "")))
    (line,) = lines_of(statement)
    url = reverse("receivables:bank-line", args=[statement.pk, line.pk])
    too_much = client.post(
        url, {"action": "save", "customer": "ACME", f"alloc-{invoice.pk}": "60.00"}, HTTP_HX_REQUEST="true"
    )
    assert b"more than the 50.00 open" in too_much.content
    unknown = client.post(url, {"action": "save", "customer": "NOPE"}, HTTP_HX_REQUEST="true")
    assert b"no customer with the code NOPE" in unknown.content
    ignored = client.post(url, {"action": "ignore"}, HTTP_HX_REQUEST="true")
    assert b'data-status="ignored"' in ignored.content and b'hx-swap-oob="true"' in ignored.content
    line.refresh_from_db()
    assert line.status == Line.IGNORED and line.allocations == [
        {"invoice": invoice.pk, "amount": "50.00", "reason": "oldest_due"}
    ]


def test_bank_pages_are_for_finance(client, make_user):
    client.force_login(make_user("sales"))
    assert client.get(LIST).status_code == 403
