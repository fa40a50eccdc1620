"""In Chromium (issue 16): a finance user runs a collections day from the worklist alone. A late
customer is ranked with its reasons and leaves today's list once a call is logged from its row by
keyboard; a German customer gets the statement e-mail in German, sent with Alt+S, the statement PDF
attached; tomorrow's reminders name the customer whose reminder is due; a SEPA mandate is recorded,
a direct-debit run made, and its pain.008 file downloaded with the run's end-to-end ids. Every page
under the CSP (conftest's `csp_violations` fails the test on a refusal). Screenshots land in
var/screenshots/, as the other browser tests do."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from o2c.outbox import outbox_relay
from receivables.collections.models import Activity, Promise
from receivables.collections.tests.clock import on_day
from receivables.models import DirectDebitRun
from tests.browser.test_csp import log_in, user_with_password
from tests.builders import a_customer, an_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-US",
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_a_logged_call_from_the_row_takes_the_customer_off_todays_list(page: Page, live_server, make_user):
    user_with_password(make_user, "finance", "fiona")
    late = a_customer(code="LATE", name="Late Payer GmbH", payment_terms_days=0)
    owes = a_customer(code="OWES", name="Owes Much KG", payment_terms_days=0)
    with on_day(-20):
        an_invoice(late, "400.00")
    with on_day(-10):
        an_invoice(owes, "300.00")
    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/cash/worklist/")
    row = page.get_by_test_id("row-LATE")
    expect(row).to_contain_text("400.00 EUR overdue in 1 invoice(s), oldest 20 days")
    page.screenshot(path=SCREENSHOTS / "worklist.png", full_page=True)

    follow_up = timezone.localdate() + timedelta(days=3)
    row.get_by_test_id("log-LATE").focus()
    page.keyboard.press("Enter")  # opens the row's form
    kind = row.get_by_label("Kind")
    expect(kind).to_be_visible()
    page.keyboard.press("Tab")
    expect(kind).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("Spoke to AP, paying Friday")
    page.keyboard.press("Tab")
    date = row.get_by_label("Follow up on")
    expect(date).to_be_focused()
    date.fill(follow_up.isoformat())
    page.keyboard.press("Enter")  # submits the row's form from the date field

    expect(page.locator("body")).to_contain_text("Logged: the customer leaves today's list.")
    expect(page.get_by_test_id("row-LATE")).to_have_count(0)
    activity = Activity.objects.get(customer=late)
    assert (activity.kind, activity.note, activity.follow_up_on) == (
        "call",
        "Spoke to AP, paying Friday",
        follow_up,
    )

    # a promise from the other row, by keyboard too
    promised_on = timezone.localdate() + timedelta(days=5)
    row = page.get_by_test_id("row-OWES")
    row.get_by_test_id("promise-OWES").focus()
    page.keyboard.press("Enter")
    amount = row.get_by_label("Amount")
    expect(amount).to_be_visible()
    page.keyboard.press("Tab")
    expect(amount).to_be_focused()
    page.keyboard.type("300.00")
    page.keyboard.press("Tab")
    promised = row.get_by_label("Promised for")
    expect(promised).to_be_focused()
    promised.fill(promised_on.isoformat())
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("Promise recorded")
    expect(page.get_by_test_id("empty")).to_have_text("Nobody to contact today.")
    promise = Promise.objects.get()
    assert (promise.amount, promise.promised_on) == (Decimal("300.00"), promised_on)


def test_the_statement_email_goes_in_the_customers_language(page: Page, live_server, make_user, media_root):
    user_with_password(make_user, "finance", "fiona")
    customer = a_customer(code="KUNDE", name="Kunde GmbH", payment_terms_days=0, language="de")
    with on_day(-20):
        an_invoice(customer, "400.00")
    outbox_relay()  # the invoice's own e-mail goes first
    mail.outbox.clear()
    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/cash/worklist/")
    page.get_by_test_id("email-KUNDE").click()
    expect(page).to_have_url(f"{live_server.url}/cash/worklist/{customer.pk}/email/")
    expect(page.get_by_label("Subject")).to_have_value("Ihr Kontoauszug bei O2C Demo Trading GmbH")
    body = page.get_by_label("Body")
    expect(body).to_be_focused()  # autofocus: the collector reads and edits the text first
    expect(body).to_contain_text("Ihr Saldo beträgt 400,00 EUR")
    assert "Ihr Saldo beträgt 400,00 EUR, davon sind 400,00 EUR überfällig" in body.input_value()
    page.screenshot(path=SCREENSHOTS / "worklist-email.png", full_page=True)

    page.keyboard.press("Alt+s")  # the page's promise, kept by static/js/o2c.js in every browser
    expect(page).to_have_url(f"{live_server.url}/cash/worklist/")
    expect(page.locator("body")).to_contain_text("queued with the statement; KUNDE leaves today's list")
    expect(page.get_by_test_id("row-KUNDE")).to_have_count(0)

    outbox_relay()  # tasks run eagerly in tests: the request's commit relayed it already
    [message] = mail.outbox
    assert message.to == [customer.email]
    assert message.subject == "Ihr Kontoauszug bei O2C Demo Trading GmbH"
    [(filename, pdf, mimetype)] = message.attachments
    assert filename == f"statement-KUNDE-{timezone.localdate().isoformat()}.pdf"
    assert mimetype == "application/pdf" and pdf.startswith(b"%PDF")


def test_tomorrows_reminders_name_the_customer_whose_reminder_is_due(page: Page, live_server, make_user):
    """Due on issue two days ago: the first reminder goes out tomorrow."""
    user_with_password(make_user, "finance", "fiona")
    soon = a_customer(code="SOON", payment_terms_days=0)
    with on_day(-2):
        invoice = an_invoice(soon, "120.00")
    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/cash/worklist/")
    tomorrow = page.get_by_test_id("tomorrow-SOON")
    expect(tomorrow).to_contain_text("1. Friendly reminder")
    expect(tomorrow).to_contain_text(invoice.number)
    expect(page.get_by_test_id("tomorrow-none")).to_have_count(0)


def test_a_mandate_a_run_and_its_pain008_file(page: Page, live_server, make_user):
    user_with_password(make_user, "finance", "fiona")
    customer = a_customer(code="SEPA", name="Lastschrift KG", payment_terms_days=0)
    invoice = an_invoice(customer, "250.00")
    today = timezone.localdate().isoformat()
    log_in(page, live_server.url, "fiona")

    page.goto(f"{live_server.url}/cash/mandates/?customer={customer.pk}")
    form = page.get_by_test_id("mandate-form")
    expect(form.get_by_label("Customer code")).to_have_value("SEPA")
    form.get_by_label("Mandate reference").fill("MNDT-SEPA-1")
    form.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    form.get_by_label("Signed on").fill(today)
    form.get_by_role("button", name="Record mandate").click()
    expect(page.locator("body")).to_contain_text(
        "Mandate MNDT-SEPA-1 of SEPA recorded (DE89370400440532013000)"
    )
    expect(page.locator("table")).to_contain_text("MNDT-SEPA-1")
    page.screenshot(path=SCREENSHOTS / "mandates.png", full_page=True)

    page.goto(f"{live_server.url}/cash/direct-debits/")
    run_form = page.get_by_test_id("run-form")
    run_form.get_by_label("Invoices due by").fill(today)
    run_form.get_by_label("Collect on").fill(today)
    run_form.get_by_role("button", name="Make the run and its pain.008 file").click()
    run = DirectDebitRun.objects.get()
    expect(page).to_have_url(f"{live_server.url}/cash/direct-debits/{run.pk}/")
    expect(page.locator("body")).to_contain_text(f"Run {run.number}: 1 debit, 250.00 EUR.")
    item = page.get_by_test_id("run-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(invoice.number)
    expect(item).to_contain_text("MNDT-SEPA-1")
    end_to_end = item.locator("td").first.inner_text().strip()
    assert end_to_end
    page.screenshot(path=SCREENSHOTS / "direct-debit-run.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_test_id("download").click()
    download = download_info.value
    assert download.suggested_filename == run.file_name
    xml = Path(download.path()).read_text(encoding="utf-8")
    assert xml.startswith("<?xml") and "pain.008" in xml
    assert f"<EndToEndId>{end_to_end}</EndToEndId>" in xml
    assert "DE89370400440532013000" in xml and "MNDT-SEPA-1" in xml
