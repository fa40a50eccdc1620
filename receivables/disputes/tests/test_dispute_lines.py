"""Disputes by invoice line, credit notes that answer them, and internal notes that stay
internal (decision record 0026).

An invoice has espresso machines (goods, 7 %) and an installation (a service, 19 %). The customer
disputes the installation only: the credit note credits the 19 % line, never the 7 % goods. A
credit note made by hand on an invoice with an open dispute asks whether it answers it. The clerk's
internal note reaches no PDF, e-mail, statement or journal entry.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from invoicing.documents import credit_note_pdf_render
from invoicing.models import Invoice
from invoicing.services import CreditLineInput
from ledger.models import JournalEntry
from o2c import pipeline
from o2c.errors import Conflict, DomainError
from o2c.outbox import outbox_relay
from receivables.disputes.services import DisputeLineInput
from receivables.models import Dispute
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line, stock
from tests.errors import error_code

pytestmark = pytest.mark.django_db
D = Decimal
SECRET = "SECRET-call-Bob-he-overcharged-them-ZX81"


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def invoice():
    machine = a_product(sku="ESP", price="100.00", tax_rate="7.00", cost="50.00")
    install = a_product(sku="SVC-INST", price="200.00", tax_rate="19.00", kind="service")
    stock(machine, "5")
    order = an_order(a_customer(credit_limit="10000.00"), line(machine, "2"), line(install, "1"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    invoice = Invoice.objects.get(shipment=shipment)
    assert invoice.total == D("452.00")  # 200 + 14 (7 %) + 200 + 38 (19 %)
    return invoice


def _line(invoice, sku):
    return invoice.lines.get(product__sku=sku)


def test_a_dispute_about_the_installation_credits_only_the_19_percent_line(invoice):
    install = _line(invoice, "SVC-INST")
    dispute = pipeline.dispute_open(
        invoice_id=invoice.pk,
        reason="pricing",
        lines=[DisputeLineInput(install.pk, amount=D("119.00"))],
        note=SECRET,
        by=None,
    )
    assert dispute.amount == D("119.00")

    resolved = pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="credit_note", note=SECRET, by=None)

    note = resolved.credit_note
    assert [
        (line.invoice_line_id, line.tax_rate, line.net_amount, line.tax_amount) for line in note.lines.all()
    ] == [(install.pk, D("19.00"), D("100.00"), D("19.00"))]
    assert (note.net_total, note.tax_total, note.total) == (D("100.00"), D("19.00"), D("119.00"))
    assert_books_in_step()


def test_a_dispute_by_quantity_credits_that_quantity_of_the_line(invoice):
    machine = _line(invoice, "ESP")
    dispute = pipeline.dispute_open(
        invoice_id=invoice.pk,
        reason="damaged",
        lines=[DisputeLineInput(machine.pk, quantity=D("1"))],
        by=None,
    )
    assert dispute.amount == D("107.00")
    note = pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="credit_note", by=None).credit_note
    [credited] = note.lines.all()
    assert (credited.quantity, credited.tax_rate, credited.total_amount) == (
        D("1.000"),
        D("7.00"),
        D("107.00"),
    )


def test_a_plain_amount_keeps_the_proportional_split(invoice):
    dispute = pipeline.dispute_open(invoice_id=invoice.pk, reason="other", amount="45.20", by=None)
    note = pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="credit_note", by=None).credit_note
    assert sorted(line.tax_rate for line in note.lines.all()) == [D("7.00"), D("19.00")]
    assert note.total == D("45.20")


def test_lines_beyond_what_is_left_are_refused(invoice):
    install = _line(invoice, "SVC-INST")
    with pytest.raises(Conflict):
        pipeline.dispute_open(
            invoice_id=invoice.pk,
            reason="pricing",
            lines=[DisputeLineInput(install.pk, amount=D("238.01"))],
            by=None,
        )
    pipeline.dispute_open(
        invoice_id=invoice.pk,
        reason="pricing",
        lines=[DisputeLineInput(install.pk, amount=D("200.00"))],
        by=None,
    )
    with pytest.raises(Conflict, match="already in dispute"):
        pipeline.dispute_open(
            invoice_id=invoice.pk,
            reason="pricing",
            lines=[DisputeLineInput(install.pk, amount=D("50.00"))],
            by=None,
        )
    with pytest.raises(DomainError) as refused:
        pipeline.dispute_open(
            invoice_id=invoice.pk,
            reason="pricing",
            lines=[DisputeLineInput(999999, amount=D("1.00"))],
            by=None,
        )
    assert refused.value.field == "lines"


def test_a_hand_made_credit_note_on_a_disputed_invoice_asks_to_be_linked(invoice):
    install = _line(invoice, "SVC-INST")
    dispute = pipeline.dispute_open(
        invoice_id=invoice.pk,
        reason="pricing",
        lines=[DisputeLineInput(install.pk, amount=D("119.00"))],
        by=None,
    )
    with pytest.raises(Conflict) as asked:
        pipeline.credit_note_issue(invoice_id=invoice.pk, reason="installation", amount=D("119.00"), by=None)
    assert (asked.value.code, asked.value.field) == ("open_dispute", "dispute")

    note = pipeline.credit_note_issue(
        invoice_id=invoice.pk, reason="installation not done", dispute_id=dispute.pk, by=None
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.credit_note_id) == ("credited", note.pk)
    assert [line.tax_rate for line in note.lines.all()] == [D("19.00")]  # what the dispute names
    # resolved: nobody can credit it twice through the dispute
    with pytest.raises(Conflict):
        pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="credit_note", by=None)
    # a second dispute, and a credit note confirmed unrelated to it
    other = pipeline.dispute_open(invoice_id=invoice.pk, reason="other", amount="10.00", by=None)
    unrelated = pipeline.credit_note_issue(
        invoice_id=invoice.pk,
        reason="goodwill",
        lines=[CreditLineInput(_line(invoice, "ESP").pk, quantity=D("1"))],
        confirm_unrelated=True,
        by=None,
    )
    other.refresh_from_db()
    assert other.status == "open" and unrelated.total == D("107.00")
    assert_books_in_step()


def test_the_api_takes_dispute_lines_and_answers_409_open_dispute(api_client_for, invoice):
    finance = api_client_for("finance")
    install = _line(invoice, "SVC-INST")
    created = finance.post(
        "/api/v1/disputes/",
        {
            "invoice": invoice.pk,
            "reason": "pricing",
            "lines": [{"invoice_line": install.pk, "quantity": "1"}],
            "note": SECRET,
            "customer_message": "Installation not carried out",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount"] == "238.00" and body["lines"] == [
        {"invoice_line": install.pk, "quantity": "1.000", "amount": "238.00"}
    ]
    both = finance.post(
        "/api/v1/disputes/",
        {
            "invoice": invoice.pk,
            "reason": "pricing",
            "amount": "5.00",
            "lines": [{"invoice_line": _line(invoice, "ESP").pk, "amount": "6.00"}],
        },
        format="json",
    )
    assert both.status_code == 400 and "amount" in both.json() and error_code(both) == "lines_amount_mismatch"
    neither = finance.post("/api/v1/disputes/", {"invoice": invoice.pk, "reason": "pricing"}, format="json")
    assert neither.status_code == 400 and "amount" in neither.json() and error_code(neither) == "required"

    asked = finance.post(
        "/api/v1/credit-notes/",
        {"invoice": invoice.pk, "reason": "install", "amount": "238.00"},
        format="json",
    )
    assert asked.status_code == 409 and "dispute" in asked.json() and error_code(asked) == "open_dispute"
    assert Dispute.objects.get(pk=body["id"]).status == "open"
    linked = finance.post(
        "/api/v1/credit-notes/",
        {"invoice": invoice.pk, "reason": "Installation not carried out", "dispute": body["id"]},
        format="json",
    )
    assert linked.status_code == 201, linked.content
    assert linked.json()["total"] == "238.00"
    dispute = finance.get(f"/api/v1/disputes/{body['id']}/").json()
    assert dispute["status"] == "credited" and dispute["credit_note"] == linked.json()["id"]


def test_the_credit_note_page_asks_the_question(client, make_user, invoice):
    client.force_login(make_user("finance"))
    dispute = pipeline.dispute_open(invoice_id=invoice.pk, reason="other", amount="10.00", by=None)
    url = reverse("invoicing:credit", args=[invoice.pk])
    page = client.get(url)
    assert 'data-testid="dispute-question"' in page.text and f"dispute {dispute.pk}" in page.text
    unanswered = client.post(url, {"mode": "amount", "amount": "10.00", "reason": "goodwill"})
    assert unanswered.status_code == 200 and unanswered.context["form"].errors["dispute"]
    linked = client.post(
        url, {"mode": "amount", "amount": "10.00", "reason": "goodwill", "dispute": str(dispute.pk)}
    )
    assert linked.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "credited"


def test_the_dispute_page_lets_the_clerk_pick_lines(client, make_user, invoice):
    client.force_login(make_user("finance"))
    install = _line(invoice, "SVC-INST")
    url = f"{reverse('receivables:dispute-new')}?invoice={invoice.pk}"
    page = client.get(url)
    assert 'data-testid="dispute-lines"' in page.text
    done = client.post(
        url,
        {
            "amount": "452.00",
            "reason": "pricing",
            f"line_{install.pk}": "119.00",
            "customer_message": "Installation price",
            "note": SECRET,
        },
    )
    assert done.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.amount == D("119.00") and [(x.invoice_line_id, x.amount) for x in dispute.lines.all()] == [
        (install.pk, D("119.00"))
    ]
    assert dispute.customer_message == "Installation price"
    detail = client.get(reverse("receivables:dispute-detail", args=[dispute.pk]))
    assert 'data-testid="dispute-lines"' in detail.text


def test_the_internal_note_reaches_no_document_email_statement_or_journal(
    client, make_user, invoice, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    outbox_relay()
    dispute = pipeline.dispute_open(
        invoice_id=invoice.pk,
        reason="damaged",
        amount="50.00",
        note=SECRET,
        customer_message="One unit arrived scratched",
        by=None,
    )
    resolved = pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="credit_note", note=SECRET, by=None)
    note = resolved.credit_note
    assert note.reason == f"Dispute {dispute.pk} (damaged goods): One unit arrived scratched"

    pdf = _text(credit_note_pdf_render(credit_note=note))
    assert "One unit arrived scratched" in pdf and SECRET not in pdf
    outbox_relay()
    sent = [m for m in mail.outbox if note.number in m.subject]
    assert sent and all(SECRET not in m.body for m in sent)
    for message in sent:
        for _, content, _ in message.attachments:
            assert SECRET not in _text(content)
    assert not JournalEntry.objects.filter(memo__contains="SECRET").exists()

    client.force_login(make_user("finance"))
    today = timezone.localdate().isoformat()
    statement_url = reverse("receivables:customer-statement", args=[invoice.customer_id])
    period = {"from": "2000-01-01", "to": today}
    csv_text = _body(client.get(statement_url, {**period, "export": "csv"}))
    assert note.number in csv_text and SECRET not in csv_text
    statement_pdf = client.get(statement_url, {**period, "export": "pdf"}).content
    assert note.number in _text(statement_pdf) and SECRET not in _text(statement_pdf)
    journal_csv = _body(client.get(reverse("ledger:journal"), {"export": "csv"}))
    assert note.number in journal_csv and SECRET not in journal_csv
