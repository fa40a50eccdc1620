"""The worklist's preview of tomorrow's reminders is what the dunning run sends the next day (one
selection, receivables.dunning.selectors); the collector's e-mail from a row: the statement
template in the customer's language, sent through the outbox with the statement attached and kept
with its activity, and the customer leaves today's list (decision 0066)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from o2c import pipeline
from o2c.outbox import outbox_relay
from receivables.collections import services
from receivables.collections.models import Activity, ActivityEmail
from receivables.collections.tests.clock import on_day
from receivables.collections.worklist import reminders_tomorrow, worklist
from receivables.dunning import services as dunning_services
from receivables.models import DunningNotice
from receivables.paynow.tests.links import invoices_of, links_in_pdf, links_in_text, opens_pay_page
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _what(notices) -> set[tuple[int, int, tuple[int, ...]]]:
    return {(n.customer_id, n.level.pk, tuple(sorted(i.invoice_id for i in n.invoices))) for n in notices}


def test_tomorrows_preview_is_what_the_run_sends_the_next_day(make_user, client):
    """Invoices due on issue: 2, 14 and 29 days old today reach levels 1, 2 and 3 tomorrow; one
    reached level 1 today (sent today, nothing new tomorrow); a promised and a disputed one none."""
    codes = ("ONE", "TWO", "THREE", "TODAY", "PROMISED", "DISPUTED")
    c = {code: a_customer(code=code, payment_terms_days=0) for code in codes}
    invoices = {}
    for code, age in (
        ("ONE", 2),
        ("TWO", 14),
        ("THREE", 29),
        ("TODAY", 3),
        ("PROMISED", 14),
        ("DISPUTED", 14),
    ):
        with on_day(-age):
            invoices[code] = an_invoice(c[code], "100.00")
    services.promise_make(
        customer_id=c["PROMISED"].pk,
        invoice_ids=[invoices["PROMISED"].pk],
        amount="100.00",
        promised_on=timezone.localdate() + timedelta(days=3),
    )
    pipeline.dispute_open(
        invoice_id=invoices["DISPUTED"].pk, amount="100.00", reason="damaged", by=make_user("finance")
    )
    with on_day(0):
        dunning_services.dunning_run(by=None)  # today's run: TODAY gets level 1
        preview = reminders_tomorrow(as_of=timezone.localdate())
        client.force_login(make_user("finance", "collector"))
        page = client.get("/cash/worklist/").content.decode()
    assert {n.customer_code: n.level.level for n in preview} == {"ONE": 1, "TWO": 2, "THREE": 3}
    for code, level in (
        ("ONE", "1. Friendly reminder"),
        ("TWO", "2. Second reminder"),
        ("THREE", "3. Final notice"),
    ):
        assert f'data-testid="tomorrow-{code}"' in page and level in page
    assert 'data-testid="tomorrow-TODAY"' not in page and 'data-testid="tomorrow-PROMISED"' not in page

    with on_day(1):
        run = dunning_services.dunning_run(by=None)
        sent = {
            (
                notice.customer_id,
                notice.level_id,
                tuple(sorted(line.invoice_id for line in notice.lines.all())),
            )
            for notice in DunningNotice.objects.filter(run=run).prefetch_related("lines")
        }
    assert run.notices_sent == 3
    assert sent == _what(preview)


@pytest.fixture
def german():
    customer = a_customer(code="KUNDE", name="Kunde GmbH", payment_terms_days=0, language="de")
    with on_day(-20):
        invoice = an_invoice(customer, "400.00")
    outbox_relay()
    mail.outbox.clear()
    return customer, invoice


def test_the_worklist_email_is_sent_with_the_statement_and_kept_with_the_activity(client, make_user, german):
    customer, invoice = german
    client.force_login(make_user("finance", "anna"))
    assert [row.customer_code for row in worklist(as_of=timezone.localdate())] == ["KUNDE"]
    assert 'data-testid="email-KUNDE"' in client.get("/cash/worklist/").content.decode()

    form = client.get(f"/cash/worklist/{customer.pk}/email/")
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["subject"] == "Ihr Kontoauszug bei O2C Demo Trading GmbH"
    assert "Ihr Saldo beträgt 400,00 EUR, davon sind 400,00 EUR überfällig" in initial["body"]
    assert invoices_of(links_in_text(initial["body"])) == [invoice.pk]
    body = initial["body"].replace("Guten Tag", "Hallo")  # the collector edits it

    sent = client.post(f"/cash/worklist/{customer.pk}/email/", {"subject": initial["subject"], "body": body})
    assert sent.status_code == 302 and sent.url == "/cash/worklist/"
    email = ActivityEmail.objects.select_related("activity").get()
    assert email.activity.kind == Activity.Kind.EMAIL and email.activity.customer_id == customer.pk
    assert email.activity.note.startswith("E-mail with the statement: Ihr Kontoauszug")
    assert (email.recipient, email.subject, email.body.startswith("Hallo Kunde GmbH")) == (
        customer.email,
        initial["subject"],
        True,
    )
    assert worklist(as_of=timezone.localdate()) == []  # off today's list

    assert outbox_relay() == 1
    assert outbox_relay() == 0  # once
    [message] = mail.outbox
    assert message.to == [customer.email] and message.body == email.body
    [(filename, pdf, mimetype)] = message.attachments
    assert (filename, mimetype) == (
        f"statement-KUNDE-{timezone.localdate().isoformat()}.pdf",
        "application/pdf",
    )
    email.refresh_from_db()
    assert email.emailed_at is not None and email.attachment.name.startswith("collections/")
    with email.attachment.open("rb") as stored:
        assert stored.read() == pdf  # the attachment as sent, kept with the activity
    links = links_in_pdf(pdf) + links_in_text(message.body)
    assert invoices_of(links) == [invoice.pk, invoice.pk]
    assert all(opens_pay_page(link, invoice.number) for link in links)


def test_bad_input_answers_on_the_form_and_writes_nothing(client, make_user, german):
    customer, _ = german
    client.force_login(make_user("finance"))
    url = f"/cash/worklist/{customer.pk}/email/"
    for data, says in [
        ({"subject": "Hi\x00", "body": "text"}, "Null characters are not allowed"),
        ({"subject": "", "body": "text"}, "This field is required"),
        ({"subject": "Hi", "body": "text", "follow_up_on": "2026-13-01"}, "Enter a valid date"),
        ({"subject": "Hi", "body": "text", "follow_up_on": "2000-01-01"}, "in the past"),
    ]:
        answer = client.post(url, data)
        assert answer.status_code == 400 and says in answer.content.decode(), data
    assert client.get("/cash/worklist/999999/email/").status_code == 404
    assert not ActivityEmail.objects.exists() and not Activity.objects.exists()
    client.force_login(make_user("sales"))
    assert client.get(url).status_code == 403
