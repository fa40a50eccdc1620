"""Humane dunning (decision 0066): the e-mail is the template of the level's tone (friendly, firm,
final) in the customer's language, edited like every customer e-mail and refused with a bad
placeholder; invoices under an open promise, wholly in dispute or pending a direct debit get no
reminder."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from notifications.models import NotificationTemplate
from notifications.services import notification_template_update
from o2c import pipeline
from o2c.errors import DomainError
from o2c.outbox import outbox_relay
from receivables.collections import services as collections_services
from receivables.dunning import selectors as dunning_selectors
from receivables.dunning import services as dunning_services
from receivables.dunning.tests.builders import customer, go_to, notices_of, overdue
from receivables.models import DunningLevel
from tests.builders import an_invoice

pytestmark = pytest.mark.django_db


def test_the_seeded_levels_rise_in_tone():
    assert list(DunningLevel.objects.order_by("level").values_list("level", "tone")) == [
        (1, "friendly"),
        (2, "firm"),
        (3, "final"),
        (4, "final"),
    ]


@pytest.mark.parametrize(
    ("language", "days", "subject", "phrase"),
    [
        ("en", 3, "Friendly reminder: 100.00 EUR open", "may have missed your payment"),
        ("de", 3, "Freundliche Erinnerung: 100,00 EUR offen", "Zahlung schon unterwegs"),
        ("en", 15, "Second reminder: 100.00 EUR overdue", "not yet received your payment"),
        ("de", 15, "Zweite Zahlungserinnerung: 100,00 EUR überfällig", "noch nicht eingegangen"),
        ("en", 30, "Final notice: 100.00 EUR overdue", "This is our final notice"),
        ("de", 30, "Letzte Mahnung: 100,00 EUR überfällig", "Dies ist unsere letzte Mahnung"),
    ],
)
def test_the_email_is_the_levels_tone_in_the_customers_language(clock, language, days, subject, phrase):
    buyer = customer(language=language)
    invoice = an_invoice(buyer, "100.00")
    outbox_relay()
    mail.outbox.clear()
    go_to(clock, overdue(invoice, days))
    dunning_services.dunning_run(by=None)
    outbox_relay()
    [email] = mail.outbox
    assert email.subject == subject
    assert phrase in email.body and invoice.number in email.body and "/pay/" in email.body
    assert "{" not in email.body  # every placeholder filled


def test_the_companys_edited_template_is_sent_and_a_missing_language_falls_back_to_english(clock):
    row, _ = NotificationTemplate.objects.get_or_create(
        kind="dunning_friendly", language="de", defaults={"subject": "x", "body": "{invoices}"}
    )
    notification_template_update(
        template_id=row.pk,
        subject="Kleine Erinnerung von {company_name}",
        body="Hallo {customer_name},\n\n{invoices}\n\nBitte bis {pay_by}: {amount_due}.",
        by=None,
    )
    german, english = customer(language="de"), customer(language="en")
    invoices = [an_invoice(german, "10.00"), an_invoice(english, "20.00")]
    outbox_relay()
    mail.outbox.clear()
    go_to(clock, overdue(invoices[0], 3))
    dunning_services.dunning_run(by=None)
    outbox_relay()
    by_to = {email.to[0]: email for email in mail.outbox}
    assert by_to[german.email].subject == "Kleine Erinnerung von O2C Demo Trading GmbH"
    assert by_to[german.email].body.startswith(f"Hallo {german.name},\n\n  {invoices[0].number}  fällig")
    assert "Jetzt bezahlen: http://localhost:8000/pay/" in by_to[german.email].body
    assert by_to[english.email].subject == "Friendly reminder: 20.00 EUR open"


def test_a_bad_placeholder_or_a_template_without_the_invoices_is_refused():
    row, _ = NotificationTemplate.objects.get_or_create(
        kind="dunning_final", language="en", defaults={"subject": "x", "body": "{invoices}"}
    )
    before = (row.subject, row.body)
    for body, says in [
        ("Pay {amount_due} now.", "must name {invoices}"),
        ("{invoices} to {iban}", "unknown placeholder {iban}"),
        ("{invoices} {amount_due:>10}", "without ':' or '!'"),
    ]:
        with pytest.raises(DomainError) as refused:
            notification_template_update(template_id=row.pk, subject="Final", body=body, by=None)
        assert refused.value.field == "body" and says in refused.value.message
    row.refresh_from_db()
    assert (row.subject, row.body) == before
    with pytest.raises(ValidationError):  # the admin's check: the model's clean()
        NotificationTemplate(kind="statement", language="fr", subject="S", body="no list").clean()


def test_promised_disputed_and_collection_pending_invoices_get_no_reminder(clock, make_user, monkeypatch):
    buyer = customer()
    promised, disputed, partly, pending, plain = (
        an_invoice(buyer, amount) for amount in ("100.00", "200.00", "300.00", "400.00", "500.00")
    )
    go_to(clock, overdue(plain, 3))
    collections_services.promise_make(
        customer_id=buyer.pk,
        invoice_ids=[promised.pk],
        amount="100.00",
        promised_on=timezone.localdate() + timezone.timedelta(days=7),
    )
    finance = make_user("finance")
    pipeline.dispute_open(invoice_id=disputed.pk, amount="200.00", reason="damaged", by=finance)
    pipeline.dispute_open(invoice_id=partly.pk, amount="100.00", reason="pricing", by=finance)
    # The direct debits' "collection pending" flag (built in parallel) plugs into this hook.
    monkeypatch.setattr(dunning_selectors, "collection_pending", lambda: Q(pk=pending.pk))

    [preview] = dunning_selectors.dunning_preview(as_of=timezone.localdate())
    assert [invoice.number for invoice in preview.invoices] == [partly.number, plain.number]
    dunning_services.dunning_run(by=None)
    assert notices_of(buyer) == [(1, [(partly.number, 1), (plain.number, 1)])]
    [line_partly, _] = buyer.dunning_notices.get().lines.order_by("invoice__due_date", "pk")
    assert line_partly.balance - line_partly.disputed == 200  # the undisputed part only
