"""Dunning, as a user manual: invoices are built today through the pipeline, then the clock
travels forward (time_machine) to the days the levels are reached — 3, 15, 30 and 45 days past
the due date with the seeded levels — and the run is looked at: who got which notice, what the
letter and the email say, and that nothing is ever sent twice."""

from __future__ import annotations

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from credit.models import CreditDecision
from o2c import pipeline
from o2c.celery import app as celery_app
from o2c.errors import DomainError
from o2c.outbox import outbox_relay
from receivables.dunning import selectors as dunning_selectors
from receivables.dunning import services as dunning_services
from receivables.dunning.letters import letter_template_error, letter_text
from receivables.dunning.tests.builders import (
    START,
    customer,
    go_to,
    notices_of,
    overdue,
    pdf_text,
)
from receivables.models import DunningLevel, DunningNotice, DunningNoticeLine, DunningRun
from tests.builders import a_product, an_invoice, an_order, line

pytestmark = pytest.mark.django_db


def test_each_level_is_reached_on_its_day_and_sent_once(clock):
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")
    sent = []
    for days in [1, 2, 3, 4, 14, 15, 16, 29, 30, 44, 45, 46, 90]:
        go_to(clock, overdue(invoice, days))
        run = dunning_services.dunning_run(by=None)
        sent.append((days, run.notices_sent))

    assert sent == [
        (1, 0),
        (2, 0),
        (3, 1),  # level 1: a friendly reminder
        (4, 0),
        (14, 0),
        (15, 1),  # level 2
        (16, 0),
        (29, 0),
        (30, 1),  # level 3: final notice
        (44, 0),
        (45, 1),  # level 4: the account is put on hold
        (46, 0),
        (90, 0),  # the last level is not repeated
    ]
    assert notices_of(buyer) == [(level, [(invoice.number, level)]) for level in (1, 2, 3, 4)]
    assert [n.as_of for n in DunningNotice.objects.filter(customer=buyer).order_by("as_of")] == [
        overdue(invoice, days) for days in (3, 15, 30, 45)
    ]


def test_the_preview_shows_who_would_get_what_and_writes_nothing(clock):
    buyer = customer()
    invoice = an_invoice(buyer, "250.00")

    assert dunning_selectors.dunning_preview(as_of=overdue(invoice, 2)) == []
    [notice] = dunning_selectors.dunning_preview(
        as_of=overdue(invoice, 15)
    )  # a date ahead: allowed for a preview

    assert (notice.customer_code, notice.level.level, notice.total) == (buyer.code, 2, Decimal("250.00"))
    assert [(i.number, i.days_overdue, i.amount_due) for i in notice.invoices] == [
        (invoice.number, 15, Decimal("250.00"))
    ]
    assert DunningNotice.objects.count() == DunningRun.objects.count() == 0


def test_an_invoice_first_dunned_late_gets_the_highest_level_it_reached_and_never_goes_back(clock):
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")

    go_to(clock, overdue(invoice, 20))
    dunning_services.dunning_run(by=None)
    go_to(clock, overdue(invoice, 21))
    dunning_services.dunning_run(by=None)

    assert notices_of(buyer) == [(2, [(invoice.number, 2)])]  # level 1 is not sent after level 2


def test_one_notice_a_customer_at_its_highest_level_listing_each_invoice_with_its_own_level(clock):
    buyer = customer()
    older = an_invoice(buyer, "100.00")
    go_to(clock, START.date() + timedelta(days=12))  # the first is not overdue yet: no credit hold
    newer = an_invoice(buyer, "40.00")

    go_to(clock, overdue(older, 15))  # the newer one is 3 days overdue
    run = dunning_services.dunning_run(by=None)

    assert run.notices_sent == 1
    [notice] = DunningNotice.objects.filter(customer=buyer)
    assert notice.level.level == 2
    assert notice.total == Decimal("140.00")
    assert notices_of(buyer) == [(2, [(older.number, 2), (newer.number, 1)])]

    go_to(clock, overdue(newer, 15))  # the newer one reaches level 2; the older one is at 27 days
    dunning_services.dunning_run(by=None)
    assert notices_of(buyer)[1] == (2, [(newer.number, 2)])


def test_a_second_run_on_the_same_day_and_a_run_the_next_day_send_nothing_new(clock):
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")
    go_to(clock, overdue(invoice, 3))

    first = dunning_services.dunning_run(by=None)
    second = dunning_services.dunning_run(by=None)
    go_to(clock, overdue(invoice, 4))
    next_day = dunning_services.dunning_run(by=None)

    assert (first.notices_sent, second.notices_sent, next_day.notices_sent) == (1, 0, 0)
    assert (second.status, second.customers_total) == ("done", 0)
    assert DunningNotice.objects.count() == DunningNoticeLine.objects.count() == 1


def test_executing_a_finished_run_again_does_nothing(clock):
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")
    go_to(clock, overdue(invoice, 3))
    run = dunning_services.dunning_run(by=None)

    again = dunning_services.dunning_run_execute(run_id=run.pk)  # a task delivered twice

    assert (again.pk, again.notices_sent, again.finished_at) == (run.pk, 1, run.finished_at)
    assert DunningNotice.objects.count() == 1


def test_a_run_in_the_future_or_on_a_non_date_is_refused(clock):
    with pytest.raises(DomainError) as future:
        dunning_services.dunning_run(as_of=START.date() + timedelta(days=1))
    with pytest.raises(DomainError) as garbage:
        dunning_services.dunning_run(as_of="2026-02-30")
    assert (future.value.field, garbage.value.field) == ("as_of", "as_of")
    assert DunningRun.objects.count() == 0


def test_fully_disputed_invoices_are_skipped_and_partly_disputed_ones_dunned_for_the_rest(clock, make_user):
    finance = make_user("finance")
    buyer = customer()
    disputed = an_invoice(buyer, "100.00")
    partly = an_invoice(buyer, "100.00")
    pipeline.dispute_open(invoice_id=disputed.pk, amount="100.00", reason="damaged", by=finance)
    pipeline.dispute_open(invoice_id=partly.pk, amount="40.00", reason="pricing", by=finance)

    go_to(clock, overdue(partly, 3))
    [preview] = dunning_selectors.dunning_preview(as_of=timezone.localdate())
    dunning_services.dunning_run(by=None)

    assert [(i.number, i.balance, i.disputed, i.amount_due) for i in preview.invoices] == [
        (partly.number, Decimal("100.00"), Decimal("40.00"), Decimal("60.00"))
    ]
    [notice] = DunningNotice.objects.filter(customer=buyer)
    assert notice.total == Decimal("60.00")
    [notice_line] = notice.lines.all()
    assert (notice_line.invoice_id, notice_line.balance, notice_line.disputed) == (
        partly.pk,
        Decimal("100.00"),
        Decimal("40.00"),
    )


def test_a_customer_whose_only_overdue_invoice_is_disputed_gets_nothing_until_the_dispute_ends(
    clock, make_user
):
    finance = make_user("finance")
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")
    dispute = pipeline.dispute_open(invoice_id=invoice.pk, amount="100.00", reason="quality", by=finance)

    go_to(clock, overdue(invoice, 5))
    assert dunning_services.dunning_run(by=None).notices_sent == 0

    pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="rejected", note="goods were fine", by=finance)
    go_to(clock, overdue(invoice, 6))
    assert dunning_services.dunning_run(by=None).notices_sent == 1
    assert notices_of(buyer) == [(1, [(invoice.number, 1)])]


def test_customers_with_dunning_off_and_paid_invoices_are_skipped(clock, make_user):
    quiet = customer(dunning_enabled=False)
    payer = customer()
    quiet_invoice = an_invoice(quiet, "100.00")
    paid = an_invoice(payer, "100.00")
    pipeline.payment_record(
        customer_id=payer.pk, amount="100.00", received_on=START.date(), reference=paid.number, by=None
    )

    go_to(clock, overdue(quiet_invoice, 30))
    assert dunning_selectors.dunning_preview(as_of=timezone.localdate()) == []
    assert dunning_services.dunning_run(by=None).notices_sent == 0


def test_inactive_levels_are_not_sent(clock):
    DunningLevel.objects.filter(level=1).update(active=False)
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")

    go_to(clock, overdue(invoice, 3))
    assert dunning_services.dunning_run(by=None).notices_sent == 0
    go_to(clock, overdue(invoice, 15))
    dunning_services.dunning_run(by=None)
    assert notices_of(buyer) == [(2, [(invoice.number, 2)])]


def test_the_last_level_blocks_the_customer_and_its_next_order_is_held(clock):
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")
    go_to(clock, overdue(invoice, 44))
    dunning_services.dunning_run(by=None)
    buyer.refresh_from_db()
    assert buyer.blocked is False  # the final notice does not block yet

    go_to(clock, overdue(invoice, 45))
    dunning_services.dunning_run(by=None)
    buyer.refresh_from_db()
    assert buyer.blocked is True

    # Even once the invoice is paid, the blocked customer's next order waits for finance.
    pipeline.payment_record(
        customer_id=buyer.pk, amount="100.00", received_on=timezone.localdate(), reference=invoice.number
    )
    order = an_order(buyer, line(a_product(kind="service", tax_rate="0.00"), "1"), submit=True)
    assert order.status == "on_hold"
    decision = CreditDecision.objects.get(order=order)
    assert decision.rule == CreditDecision.Rule.BLOCKED


def test_each_notice_is_emailed_once_with_its_pdf_letter(clock, media_root):
    buyer = customer(
        name="Evergreen Hotels & Resorts AG", billing_address="Kärntner Ring 5\n1010 Wien\nAustria"
    )
    first = an_invoice(buyer, "1200.00")
    second = an_invoice(buyer, "80.50")
    other = customer()
    an_invoice(other, "10.00")
    outbox_relay()  # the invoices' own emails
    mail.outbox.clear()

    go_to(clock, overdue(first, 3))
    dunning_services.dunning_run(by=None)
    assert outbox_relay() == 2
    assert outbox_relay() == 0
    dunning_services.dunning_run(by=None)  # the same day again
    outbox_relay()

    assert len(mail.outbox) == 2
    [email] = [email for email in mail.outbox if email.to == [buyer.email]]
    notice = DunningNotice.objects.get(customer=buyer)
    assert notice.emailed_at is not None
    assert notice.pdf.name.startswith(f"dunning/{notice.as_of.year}/")
    assert email.subject == "Friendly reminder: 1,280.50 EUR open"  # the level's tone's template
    assert "Dear Evergreen Hotels & Resorts AG," in email.body
    assert "1,280.50 EUR" in email.body
    assert f"{first.number}, {second.number}" in email.body  # the payment reference
    [(filename, content, mimetype), (statement_name, _, statement_type)] = email.attachments
    assert (filename, mimetype) == (
        f"reminder-{buyer.code}-{notice.as_of.isoformat()}-level-1.pdf",
        "application/pdf",
    )
    assert (statement_name, statement_type) == (
        f"statement-{buyer.code}-{notice.as_of.isoformat()}.pdf",
        "application/pdf",
    )
    assert content == (media_root / notice.pdf.name).read_bytes()
    text = pdf_text(content)
    for expected in [
        "Payment reminder",
        "Evergreen Hotels & Resorts AG",
        "Kärntner Ring 5",
        first.number,
        second.number,
        "1,200.00",
        "80.50",
        "1,280.50 EUR",
        settings.O2C_COMPANY_BANK,
        "Issue date",
        "Due date",
        "Amount due",
    ]:
        assert expected in text, expected


def test_the_seeded_letter_reads_right_at_every_level(clock):
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")
    go_to(clock, overdue(invoice, 45))
    dunning_services.dunning_run(by=None)
    notice = DunningNotice.objects.get()
    from receivables.dunning.letters import letter_context

    context = letter_context(notice=notice)
    texts = {level.level: letter_text(level=level, context=context) for level in DunningLevel.objects.all()}

    assert all(text.startswith(f"Dear {buyer.name},") and "100.00 EUR" in text for text in texts.values())
    assert "{" not in "".join(texts.values()) and "\n\n\n" not in "".join(texts.values())
    assert "oversight" in texts[1] and "final notice" in texts[3] and "on hold" in texts[4]
    assert letter_template_error("Dear {% if customer %}") is not None
    assert letter_template_error(DunningLevel.objects.get(level=1).letter_template) is None


def test_the_daily_run_is_in_the_beat_schedule_and_runs_today(clock):
    entry = settings.CELERY_BEAT_SCHEDULE["dunning-daily"]
    assert entry["task"] == "receivables.dunning_tasks.dunning_daily"
    importlib.import_module("receivables.tasks")  # what the worker's autodiscovery imports
    assert entry["task"] in celery_app.tasks

    buyer = customer()
    invoice = an_invoice(buyer, "100.00")
    go_to(clock, overdue(invoice, 3))
    assert celery_app.tasks[entry["task"]].apply().get() == 1
    assert celery_app.tasks[entry["task"]].apply().get() == 0
    assert DunningRun.objects.filter(started_by=None, as_of=timezone.localdate()).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_notice_per_customer():
    from django.apps import apps

    from tests.concurrency import run_concurrently

    importlib.import_module("receivables.migrations.0003_roles_levels_backfill").seed_levels(apps, None)
    with time_machine.travel(START, tick=False) as traveller:
        buyers = [customer() for _ in range(4)]
        invoices = [an_invoice(buyer, "100.00") for buyer in buyers]
        go_to(traveller, overdue(invoices[0], 3))
        for _ in range(5):
            results = run_concurrently(lambda index: dunning_services.dunning_run(by=None).notices_sent, 2)
            assert not [r for r in results if isinstance(r, Exception)], results

        assert sum(run.notices_sent for run in DunningRun.objects.all()) == 4
        assert DunningNotice.objects.count() == 4
        assert sorted(DunningNotice.objects.values_list("customer_id", flat=True)) == sorted(
            b.pk for b in buyers
        )
