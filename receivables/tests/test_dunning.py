"""Dunning, as a user manual: invoices are built today through the pipeline, then the clock
travels forward (time_machine) to the days the levels are reached — 3, 15, 30 and 45 days past
the due date with the seeded levels — and the run is looked at: who got which notice, what the
letter and the email say, and that nothing is ever sent twice."""

from __future__ import annotations

import importlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from credit.models import CreditDecision
from o2c import pipeline
from o2c.celery import app as celery_app
from o2c.errors import DomainError
from o2c.outbox import outbox_relay
from receivables.dunning import selectors as dunning_selectors
from receivables.dunning import services as dunning_services
from receivables.dunning.letters import letter_template_error, letter_text
from receivables.models import DunningLevel, DunningNotice, DunningNoticeLine, DunningRun
from tests.builders import a_customer, a_product, an_invoice, an_order, line

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)  # a Monday morning
TERMS = 14  # payment terms of the test customers: due two weeks after the invoice


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def go_to(clock, day: date) -> None:
    clock.move_to(datetime.combine(day, time(9, 0), tzinfo=ZONE))


def overdue(invoice, days: int) -> date:
    """The day on which `invoice` is `days` days past its due date."""
    return invoice.due_date + timedelta(days=days)


def customer(**fields):
    return a_customer(payment_terms_days=TERMS, **fields)


def notices_of(customer_) -> list[tuple[int, list[tuple[str, int]]]]:
    """(notice level, [(invoice number, line level)]) per notice of the customer, oldest first."""
    return [
        (
            notice.level.level,
            [(line.invoice.number, line.level.level) for line in notice.lines.order_by("invoice__due_date")],
        )
        for notice in DunningNotice.objects.filter(customer=customer_).order_by("as_of", "pk")
    ]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


# --- levels and days ------------------------------------------------------------------------------


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


# --- never twice ----------------------------------------------------------------------------------


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


# --- what is left out -----------------------------------------------------------------------------


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


# --- the last level blocks ------------------------------------------------------------------------


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


# --- letters and emails ---------------------------------------------------------------------------


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
    assert email.subject == "Payment reminder from O2C Demo Trading GmbH"
    assert "Dear Evergreen Hotels & Resorts AG," in email.body
    assert "1,280.50 EUR" in email.body
    assert f"{first.number}, {second.number}" in email.body  # the payment reference
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == (
        f"reminder-{buyer.code}-{notice.as_of.isoformat()}-level-1.pdf",
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
    from receivables.dunning_letters import letter_context

    context = letter_context(notice=notice)
    texts = {level.level: letter_text(level=level, context=context) for level in DunningLevel.objects.all()}

    assert all(text.startswith(f"Dear {buyer.name},") and "100.00 EUR" in text for text in texts.values())
    assert "{" not in "".join(texts.values()) and "\n\n\n" not in "".join(texts.values())
    assert "oversight" in texts[1] and "final notice" in texts[3] and "on hold" in texts[4]
    assert letter_template_error("Dear {% if customer %}") is not None
    assert letter_template_error(DunningLevel.objects.get(level=1).letter_template) is None


# --- the beat schedule ----------------------------------------------------------------------------


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


# --- concurrency ----------------------------------------------------------------------------------


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


# --- API ------------------------------------------------------------------------------------------


def test_api_runs_dunning_and_lists_the_notices(clock, api_client_for):
    client = api_client_for("finance")
    buyer = customer()
    other = customer()
    invoice = an_invoice(buyer, "100.00")
    an_invoice(other, "50.00")
    go_to(clock, overdue(invoice, 3))

    response = client.post("/api/v1/dunning/runs/", {}, format="json")
    assert response.status_code == 201, response.data
    body = response.json()
    assert (body["as_of"], body["status"], body["notices_sent"]) == (
        timezone.localdate().isoformat(),
        "done",
        2,
    )
    notice = next(n for n in body["notices"] if n["customer"] == buyer.pk)
    assert (notice["level"], notice["total"], notice["currency"]) == (1, "100.00", "EUR")
    assert [(i["invoice"], i["number"], i["days_overdue"], i["amount_due"]) for i in notice["invoices"]] == [
        (invoice.pk, invoice.number, 3, "100.00")
    ]

    again = client.post("/api/v1/dunning/runs/", {"as_of": timezone.localdate().isoformat()}, format="json")
    assert again.status_code == 201 and again.json()["notices"] == []

    listed = client.get("/api/v1/dunning/notices/", {"customer": buyer.pk})
    assert listed.status_code == 200
    assert [(n["customer"], n["level"]) for n in listed.json()["results"]] == [(buyer.pk, 1)]
    assert listed.json()["count"] == 1
    assert client.get(f"/api/v1/dunning/runs/{body['id']}/").json()["notices_sent"] == 2


def test_api_refuses_bad_dates_and_other_roles(clock, api_client_for):
    finance = api_client_for("finance")
    manager = api_client_for("manager", "boss")
    sales = api_client_for("sales")

    future = finance.post("/api/v1/dunning/runs/", {"as_of": "2999-01-01"}, format="json")
    garbage = finance.post("/api/v1/dunning/runs/", {"as_of": "soon"}, format="json")
    assert (future.status_code, list(future.json())) == (400, ["as_of"])
    assert (garbage.status_code, list(garbage.json())) == (400, ["as_of"])
    assert sales.post("/api/v1/dunning/runs/", {}, format="json").status_code == 403
    assert sales.get("/api/v1/dunning/notices/").status_code == 403
    assert manager.post("/api/v1/dunning/runs/", {}, format="json").status_code == 201
    assert manager.get("/api/v1/dunning/notices/").status_code == 200
    assert DunningRun.objects.count() == 1


def test_api_run_honours_the_idempotency_key(clock, api_client_for):
    client = api_client_for("finance")
    invoice = an_invoice(customer(), "100.00")
    go_to(clock, overdue(invoice, 3))

    first = client.post("/api/v1/dunning/runs/", {}, format="json", HTTP_IDEMPOTENCY_KEY="dun-1")
    second = client.post("/api/v1/dunning/runs/", {}, format="json", HTTP_IDEMPOTENCY_KEY="dun-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert DunningRun.objects.count() == 1


# --- pages ----------------------------------------------------------------------------------------


def test_the_dunning_page_previews_a_chosen_date(clock, client, make_user):
    client.force_login(make_user("finance"))
    buyer = customer(name="Blue Lagoon Café")
    invoice = an_invoice(buyer, "321.00")

    response = client.get(reverse("receivables:dunning"), {"as_of": overdue(invoice, 15).isoformat()})

    assert response.status_code == 200
    page = response.content.decode()
    assert buyer.code in page and invoice.number in page and "321.00" in page
    assert "Second reminder" in page
    assert "A run cannot be dated in the future." in page  # the chosen date is ahead of today
    assert DunningNotice.objects.count() == DunningRun.objects.count() == 0

    csv = client.get(
        reverse("receivables:dunning"), {"as_of": overdue(invoice, 15).isoformat(), "export": "preview"}
    )
    rows = b"".join(csv.streaming_content).decode().splitlines()
    assert rows[0].startswith("customer_code,customer_name,notice_level,invoice")
    assert rows[1].startswith(f"{buyer.code},Blue Lagoon Café,2,{invoice.number},2,")
    for export in ("levels", "runs"):
        assert client.get(reverse("receivables:dunning"), {"export": export}).status_code == 200


def test_the_run_button_starts_a_run_whose_progress_ends_with_the_notices_sent(
    clock, client, make_user, django_capture_on_commit_callbacks
):
    buyer = customer()
    invoice = an_invoice(buyer, "100.00")
    go_to(clock, overdue(invoice, 3))
    client.force_login(make_user("finance"))  # after the clock moved: the session is fresh

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("receivables:dunning-run-start"),
            {"as_of": timezone.localdate().isoformat()},
            HTTP_HX_REQUEST="true",
        )

    assert response.status_code == 200
    run = DunningRun.objects.get()
    assert (run.status, run.started_by.username, run.notices_sent) == ("done", "finance-user", 1)
    # The answer was the progress bar (the task ran after the request's commit); its next poll
    # shows the notices sent, with the preview and past runs refreshed out of band.
    assert 'data-testid="run-progress"' in response.content.decode()
    url = reverse("receivables:dunning-run-progress", args=[run.pk])
    progress = client.get(url, {"parts": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="run-result"' in progress and invoice.number in progress
    assert 'id="dunning-preview" hx-swap-oob="true"' in progress
    assert "nobody is due for a notice" in progress
    assert 'id="run-hint" hx-swap-oob="true"' in progress and "Nothing to send for this date." in progress
    detail = client.get(reverse("receivables:dunning-run", args=[run.pk]))
    assert detail.status_code == 200 and buyer.code in detail.content.decode()
    csv = client.get(reverse("receivables:dunning-notices"), {"run": run.pk, "export": "csv"})
    rows = b"".join(csv.streaming_content).decode().splitlines()
    assert len(rows) == 2 and rows[1].split(",")[6] == invoice.number
    assert "No run yet" not in client.get(reverse("receivables:dunning")).content.decode()


def test_a_running_run_shows_a_polling_progress_bar(clock, client, make_user):
    client.force_login(make_user("finance"))
    run = DunningRun.objects.create(as_of=timezone.localdate(), customers_total=8, customers_done=2)

    progress = client.get(reverse("receivables:dunning-run-progress", args=[run.pk])).content.decode()

    assert 'data-testid="run-progress"' in progress and "hx-trigger" in progress
    assert "2 of 8 customers" in progress and "25 %" in progress
    page = client.get(reverse("receivables:dunning")).content.decode()
    assert 'data-testid="run-progress"' in page and "25 %" in page and "progress/?parts=1" in page


def test_the_run_button_refuses_a_date_in_the_future(clock, client, make_user):
    client.force_login(make_user("finance"))
    # 2199, not 2999: a year beyond 2200 is now refused before the date is compared with today
    response = client.post(reverse("receivables:dunning-run-start"), {"as_of": "2199-01-01"}, follow=True)
    assert "cannot be dated after today" in response.content.decode()
    far = client.post(reverse("receivables:dunning-run-start"), {"as_of": "2999-01-01"}, follow=True)
    assert "between 1900 and 2200" in far.content.decode()
    assert DunningRun.objects.count() == 0


def test_the_notices_page_lists_notices_per_customer_in_bounded_queries(
    clock, client, make_user, django_assert_max_num_queries
):
    buyers = [customer() for _ in range(6)]
    invoices = [an_invoice(buyer, "100.00") for buyer in buyers for _ in range(2)]
    go_to(clock, overdue(invoices[0], 3))
    dunning_services.dunning_run(by=None)
    go_to(clock, overdue(invoices[0], 15))
    dunning_services.dunning_run(by=None)
    outbox_relay()
    client.force_login(make_user("finance"))
    assert DunningNotice.objects.count() == 12

    with django_assert_max_num_queries(10):  # as many for 1 notice as for 12
        response = client.get(reverse("receivables:dunning-notices"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="notice-row"') == 12

    one = client.get(reverse("receivables:dunning-notices"), {"customer": buyers[0].pk}).content.decode()
    assert one.count('data-testid="notice-row"') == 2 and invoices[0].number in one
    assert invoices[2].number not in one

    csv = client.get(reverse("receivables:dunning-notices"), {"customer": buyers[0].pk, "export": "csv"})
    rows = b"".join(csv.streaming_content).decode().splitlines()
    assert len(rows) == 3 and f"{invoices[0].number} {invoices[1].number}" in rows[1]

    notice = DunningNotice.objects.filter(customer=buyers[0]).first()
    pdf = client.get(reverse("receivables:dunning-notice-pdf", args=[notice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and invoices[0].number in pdf_text(pdf.content)


def test_the_dunning_page_reads_in_bounded_queries(clock, client, make_user, django_assert_max_num_queries):
    invoices = [an_invoice(customer(), "100.00") for _ in range(6)]
    go_to(clock, overdue(invoices[0], 3))
    dunning_services.dunning_run(by=None)
    client.force_login(make_user("finance"))
    with django_assert_max_num_queries(11):  # as many for 1 customer as for 6
        response = client.get(reverse("receivables:dunning"), {"as_of": overdue(invoices[0], 15).isoformat()})
    assert response.content.decode().count('data-testid="preview-notice"') == 6


def test_the_dunning_pages_are_for_finance(client, make_user):
    client.force_login(make_user("sales"))
    for name, args in [
        ("receivables:dunning", []),
        ("receivables:dunning-notices", []),
        ("receivables:dunning-notice-pdf", [1]),
        ("receivables:dunning-run", [1]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("receivables:dunning-run-start")).status_code == 403


# --- admin ----------------------------------------------------------------------------------------


def test_the_admin_edits_levels_and_refuses_a_broken_letter(client, make_user):
    admin_user = make_user("admin", "root")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    level = DunningLevel.objects.get(level=2)
    url = reverse("admin:receivables_dunninglevel_change", args=[level.pk])
    form = {
        "level": 2,
        "name": "Second reminder",
        "days_overdue": 14,
        "subject": "Second reminder",
        "letter_template": "Dear {{ customer.name }}, {% if total %}",
        "blocks_customer": "",
        "active": "on",
    }

    refused = client.post(url, form)
    assert refused.status_code == 200 and "the letter template has an error" in refused.content.decode()
    accepted = client.post(
        url, {**form, "letter_template": "Dear {{ customer.name }}, please pay {{ total }}."}
    )
    assert accepted.status_code == 302
    level.refresh_from_db()
    assert (level.days_overdue, level.letter_template) == (
        14,
        "Dear {{ customer.name }}, please pay {{ total }}.",
    )
    assert client.get(reverse("admin:receivables_dunninglevel_changelist")).status_code == 200
    assert client.get(reverse("admin:receivables_dunningnotice_changelist")).status_code == 200
    assert client.get(reverse("admin:receivables_dunningrun_changelist")).status_code == 200
