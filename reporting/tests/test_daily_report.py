"""The daily report e-mail: one per active subscriber and day however often the task runs, with the
KPIs, the aging table and the most overdue customers in the HTML body, a plain-text alternative and
the PDF attached; and the subscription page (finance and managers only).

The figures come from the hand-computed history of test_aging_and_dso.py. The outbox relay runs
on commit (captured and executed here), eagerly, so what a subscriber got is in `mail.outbox`.
"""

import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from o2c.errors import DomainError
from o2c.models import OutboxMessage
from o2c.outbox import outbox_relay
from o2c.roles import FINANCE, MANAGER, SALES, WAREHOUSE
from reporting.models import KpiSnapshot, ReportDelivery, ReportSubscription
from reporting.snapshots import snapshot_take
from reporting.subscriptions.daily_report import daily_report_build, daily_report_html, daily_report_pdf
from reporting.subscriptions.services import daily_reports_send, report_subscription_set
from reporting.tasks import daily_report_send
from reporting.tests.test_aging_and_dso import history, on  # noqa: F401 (the fixture)
from tests.browser.conftest import CHROMIUM, browser_type_launch_args  # noqa: F401 (Debian's Chromium)
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's event loop, in the browser test
D = Decimal
MARCH_31 = date(2026, 3, 31)


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused by smtp.example.com:587")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def reports_in_outbox():
    return [email for email in mail.outbox if email.subject.startswith("Daily report")]


@pytest.fixture
def books(history):  # noqa: F811
    """The history, its invoices' own e-mails out of the way (sent long ago)."""
    OutboxMessage.objects.update(status=OutboxMessage.Status.DELIVERED)
    return history


@pytest.fixture
def subscribers(make_user, books):
    manager = make_user(MANAGER, "max")
    manager.email, manager.first_name, manager.last_name = "max@o2c.example", "Max", "Manager"
    manager.save()
    finance = make_user(FINANCE, "fiona")
    finance.email = "fiona@o2c.example"
    finance.save()
    quitter = make_user(FINANCE, "quentin")
    quitter.email = "quentin@o2c.example"
    quitter.save()
    for user in (manager, finance, quitter):
        report_subscription_set(user=user, active=True)
    report_subscription_set(user=quitter, active=False)
    return {"manager": manager, "finance": finance, "quitter": quitter}


def run_daily_task(capture, day: str) -> None:
    with on(day), capture(execute=True):
        daily_report_send.delay()


def test_each_active_subscriber_gets_one_report_a_day_however_often_the_task_runs(
    subscribers, django_capture_on_commit_callbacks
):
    run_daily_task(django_capture_on_commit_callbacks, "2026-04-01")
    run_daily_task(django_capture_on_commit_callbacks, "2026-04-01")
    reports = reports_in_outbox()
    assert sorted(email.to[0] for email in reports) == ["fiona@o2c.example", "max@o2c.example"]
    assert {email.subject for email in reports} == {
        "Daily report 31 Mar 2026: DSO 31.8 days, receivables 600.00 EUR, 33.3 % overdue"
    }
    assert ReportDelivery.objects.filter(report_date=MARCH_31, sent_at__isnull=False).count() == 2

    run_daily_task(django_capture_on_commit_callbacks, "2026-04-02")
    assert len(reports_in_outbox()) == 4
    assert (
        sorted(email.subject[:26] for email in reports_in_outbox()[2:]) == ["Daily report 1 Apr 2026: D"] * 2
    )


def test_the_report_has_the_kpis_the_aging_table_the_top_customers_and_a_pdf(
    subscribers, django_capture_on_commit_callbacks
):
    run_daily_task(django_capture_on_commit_callbacks, "2026-04-01")
    [email] = [email for email in reports_in_outbox() if email.to == ["max@o2c.example"]]
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    for figure in ("31.8 d", "53.4 d", "78.6 %", "15.9 d", "600.00", "33.3 %", "1,700.00", "78.0 d"):
        assert figure in html, figure
    assert "Key figures" in html and "Receivables aging" in html and "Most overdue customers" in html
    # the aging of 31 March: current 300, 1–30 200, disputed 100, less 80 unapplied → 520 net
    for label, amount in (("Current", "300.00"), ("1–30", "200.00"), ("Disputed", "100.00")):
        assert f">{label}</td>" in html and f">{amount}</td>" in html
    assert ">−80.00</td>" in html and ">520.00</td>" in html
    assert "Tuesday, 31 Mar 2026" in html and "Sent to Max Manager" in html
    assert ">A</strong>" in html  # customer A is the one overdue

    assert "DSO" in email.body and "31.8 d" in email.body and "Net receivables" in email.body
    [(filename, content, pdf_type)] = email.attachments
    assert (filename, pdf_type) == ("daily-report-2026-03-31.pdf", "application/pdf")
    text = pdf_text(content)
    assert "DSO" in text and "31.8 d" in text and "Receivables aging" in text and "520.00" in text


def test_the_change_column_compares_with_the_snapshot_of_30_days_earlier(books):
    with on("2026-03-02"):
        snapshot_take(as_of=date(2026, 3, 1))
    KpiSnapshot.objects.filter(date=date(2026, 3, 1)).update(
        dso=D("40.0"), cei=D("90.0")
    )  # read, not computed
    with on("2026-04-01"):
        report = daily_report_build(as_of=MARCH_31)
    assert report.previous.dso == D("40.0")
    lines = {line.name: line for line in report.kpi_lines}
    assert (lines["dso"].previous, lines["dso"].change, lines["dso"].colour) == (
        "40.0 d",
        "−8.2 d",
        "#15803d",
    )
    assert (lines["cei"].change, lines["cei"].colour) == ("−11.4 pts", "#b91c1c")  # 78.6 − 90.0: worse
    html = daily_report_html(report)
    assert "40.0 d" in html and "−8.2 d" in html
    # without a snapshot, the figures of 30 days earlier are computed
    with on("2026-05-01"):
        assert daily_report_build(as_of=date(2026, 4, 30)).previous.receivables == D("600.00")


def test_a_report_with_no_business_yet_renders(db):
    with on("2026-01-02"):
        report = daily_report_build(as_of=date(2026, 1, 1))
    html = daily_report_html(report)
    assert "No customer has overdue invoices." in html
    assert report.subject == "Daily report 1 Jan 2026: receivables 0.00 EUR"
    assert "DSO" in pdf_text(daily_report_pdf(report))


def test_unsubscribed_users_and_users_without_the_role_get_nothing(
    subscribers, make_user, django_capture_on_commit_callbacks
):
    seller = make_user(SALES, "sam")
    seller.email = "sam@o2c.example"
    seller.save()
    with pytest.raises(DomainError) as refused:
        report_subscription_set(user=seller, active=True)
    assert refused.value.field == "active"
    # a subscriber who has since lost the finance role
    ReportSubscription.objects.create(user=seller, active=True)
    run_daily_task(django_capture_on_commit_callbacks, "2026-04-01")
    recipients = sorted(email.to[0] for email in reports_in_outbox())
    assert recipients == ["fiona@o2c.example", "max@o2c.example"]
    assert not ReportDelivery.objects.filter(user__in=[seller, subscribers["quitter"]]).exists()


def test_a_user_without_an_email_address_cannot_subscribe(make_user):
    manager = make_user(MANAGER, "nomail")
    with pytest.raises(DomainError) as refused:
        report_subscription_set(user=manager, active=True)
    assert refused.value.field == "email"
    assert report_subscription_set(user=manager, active=False).active is False


def test_a_mail_server_that_is_down_is_retried_and_the_report_sent_once(subscribers, settings):
    settings.EMAIL_BACKEND = "reporting.tests.test_daily_report.RefusingBackend"
    with on("2026-04-01"):
        assert daily_reports_send(as_of=MARCH_31) == 2
        assert outbox_relay() == 0
    assert not reports_in_outbox()
    assert ReportDelivery.objects.filter(sent_at__isnull=True).count() == 2
    assert OutboxMessage.objects.filter(kind="daily_report", attempts=1).count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(datetime(2026, 4, 1, 12, 5, tzinfo=UTC), tick=False):  # after the backoff
        assert daily_reports_send(as_of=MARCH_31) == 0  # the task again: nothing new is queued
        assert outbox_relay() == 2
        assert outbox_relay() == 0
    assert len(reports_in_outbox()) == 2


# --- The subscription page -------------------------------------------------------------------


@pytest.fixture
def finance_client(client, make_user):
    user = make_user(FINANCE, "fiona")
    user.email = "fiona@o2c.example"
    user.save()
    client.force_login(user)
    client.user = user
    return client


URL = "/reports/subscription/"


def test_the_page_is_for_finance_and_managers(client, make_user):
    assert reverse("reporting:subscription") == URL
    assert client.get(URL).status_code == 302  # to the login page
    for role in (SALES, WAREHOUSE):
        client.force_login(make_user(role))
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"action": "subscribe"}).status_code == 403
    assert not ReportSubscription.objects.exists()
    for role in (FINANCE, MANAGER):
        client.force_login(make_user(role))
        response = client.get(URL)
        assert response.status_code == 200 and b"Daily report e-mail" in response.content


def test_subscribe_and_unsubscribe_from_the_page(finance_client):
    response = finance_client.get(URL)
    assert b"Not subscribed" in response.content
    response = finance_client.post(URL, {"action": "subscribe"}, follow=True)
    assert b"You are subscribed" in response.content and b"Unsubscribe" in response.content
    assert ReportSubscription.objects.get(user=finance_client.user).active
    response = finance_client.post(URL, {"action": "unsubscribe"}, follow=True)
    assert b"You are unsubscribed" in response.content
    assert not ReportSubscription.objects.get(user=finance_client.user).active


def test_a_user_without_an_email_is_told_so(client, make_user):
    client.force_login(make_user(MANAGER, "nomail"))
    response = client.get(URL)
    assert b"has no e-mail address" in response.content
    response = client.post(URL, {"action": "subscribe"})
    assert response.status_code == 400 and b"no e-mail address to send the report to" in response.content
    assert not ReportSubscription.objects.exists()


def test_preview_pdf_and_send_now(finance_client, books, django_capture_on_commit_callbacks):
    with on("2026-04-01"):
        response = finance_client.get(URL, {"as_of": "2026-03-31", "preview": "1"})
        assert response.status_code == 200
        # the page frames the e-mail from its own URL, under its own CSP (decision 0033)
        frame_url = response.context["preview"]
        assert frame_url == "/reports/subscription/?as_of=2026-03-31&preview=1&frame=1"
        assert b'data-testid="preview"' in response.content
        assert b'src="/reports/subscription/?as_of=2026-03-31&amp;preview=1&amp;frame=1"' in response.content
        preview = finance_client.get(frame_url).content.decode()
        assert "Key figures" in preview and "31.8 d" in preview and "Receivables aging" in preview
        assert preview.startswith("<!doctype html>")

        response = finance_client.get(URL, {"as_of": "2026-03-31", "export": "pdf"})
        assert response["Content-Type"] == "application/pdf"
        assert "DSO" in pdf_text(response.content)

        with django_capture_on_commit_callbacks(execute=True):
            response = finance_client.post(URL, {"action": "send", "as_of": "2026-03-31"}, follow=True)
        assert b"is on its way to fiona@o2c.example" in response.content
    [email] = reports_in_outbox()
    assert email.to == ["fiona@o2c.example"] and email.subject.startswith("Daily report 31 Mar 2026")
    delivery = ReportDelivery.objects.get()
    assert (delivery.scheduled, delivery.sent_at is not None) == (False, True)

    response = finance_client.get(URL, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert b"".join(response.streaming_content).decode().splitlines()[1].startswith("2026-03-31,on demand,")


def test_a_future_or_malformed_date_is_refused_next_to_the_field(finance_client):
    with on("2026-04-01"):
        response = finance_client.get(URL, {"as_of": "2026-04-02", "preview": "1"})
        assert response.status_code == 400 and b"The report date is in the future." in response.content
        response = finance_client.get(URL, {"as_of": "31.03.2026", "preview": "1"})
        assert response.status_code == 400 and b"Enter a valid date." in response.content
        response = finance_client.post(URL, {"action": "send", "as_of": "2026-04-02"})
        assert response.status_code == 400 and b"The report date is in the future." in response.content
    assert not ReportDelivery.objects.exists() and not mail.outbox


def test_the_page_runs_a_bounded_number_of_queries(finance_client, django_assert_max_num_queries):
    for day in range(1, 21):
        ReportDelivery.objects.create(
            user=finance_client.user, report_date=date(2026, 3, day), scheduled=True
        )
    with django_assert_max_num_queries(8):
        response = finance_client.get(URL)
    assert response.content.count(b'data-testid="delivery-row"') == 10


# --- In the browser ----------------------------------------------------------------------------

PASSWORD = "a-long-demo-password"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed (scripts/system-deps.sh)")
@pytest.mark.django_db(transaction=True)
def test_a_manager_subscribes_and_previews_the_report_in_the_browser(page, live_server, make_user):
    from playwright.sync_api import expect

    manager = make_user(MANAGER, "max")
    manager.email, manager.first_name, manager.last_name = "max@o2c.example", "Max", "Manager"
    manager.set_password(PASSWORD)
    manager.save()
    acme = a_customer(code="ACME", name="Acme Trading GmbH", payment_terms_days=14)
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        an_invoice(acme, "1190.00")
    an_invoice(acme, "356.96")
    OutboxMessage.objects.update(status=OutboxMessage.Status.DELIVERED)

    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.keyboard.type("max")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("nav")).to_be_visible()
    page.goto(f"{live_server.url}/reports/subscription/")
    expect(page.get_by_test_id("subscription-state")).to_contain_text("Not subscribed")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_test_id("subscription-state")).to_contain_text("max@o2c.example")
    page.get_by_test_id("preview-button").click()
    preview = page.frame_locator("[data-testid=preview]")
    expect(preview.get_by_text("Key figures")).to_be_visible()
    expect(preview.get_by_text("Acme Trading GmbH")).to_be_visible()
    expect(page.get_by_test_id("send-now")).to_contain_text("Send me the report of")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "daily-report-subscription.png", full_page=True)
    assert ReportSubscription.objects.get(user=manager).active
