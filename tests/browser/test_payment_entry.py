"""A finance clerk records a payment from the keyboard alone: the customer typed, the amount
typed, Tab through reference, date and method, the proposed allocation accepted with Enter; the
invoice is paid. The disputes list is shown too. Screenshots land in var/screenshots/."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from invoicing.models import Invoice
from o2c import pipeline
from receivables.models import Payment
from tests.builders import a_customer, an_invoice

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "a-long-demo-password"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "locale": "en-US"}


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("nav")).to_be_visible()


def finance_user(make_user, username="fiona"):
    user = make_user("finance", username)
    user.first_name, user.last_name = "Fiona", "Ledger"
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def books(make_user):
    """ACME owes three invoices (one 25 days overdue, one partly disputed); others owe too."""
    clerk = finance_user(make_user)
    acme = a_customer(code="ACME", name="Acme Trading GmbH", payment_terms_days=14)
    with time_machine.travel(timezone.now() - timedelta(days=39), tick=False):
        overdue = an_invoice(acme, "1190.00")
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        disputed = an_invoice(acme, "480.00")
    current = an_invoice(acme, "356.96")
    pipeline.dispute_open(
        invoice_id=disputed.pk, amount="80.00", reason="damaged", note="one cup set broken", by=clerk
    )
    pipeline.payment_record(
        customer_id=acme.pk,
        amount="25.00",
        reference="overpaid in May",
        received_on=timezone.localdate(),
        allocations=[],
    )
    bistro = a_customer(code="BIST", name="Bistro Nord KG")
    with time_machine.travel(timezone.now() - timedelta(days=33), tick=False):
        bistro_invoice = an_invoice(bistro, "240.00")
        pipeline.dispute_open(
            invoice_id=bistro_invoice.pk,
            amount="240.00",
            reason="not_received",
            note="pallet not delivered",
            by=clerk,
        )
    cafe = a_customer(code="CAFE", name="Café Lumière SARL")
    with time_machine.travel(timezone.now() - timedelta(days=16), tick=False):
        pipeline.dispute_open(
            invoice_id=an_invoice(cafe, "95.00").pk,
            amount="19.00",
            reason="pricing",
            note="discount missing",
            by=clerk,
        )
    return {"acme": acme, "overdue": overdue, "disputed": disputed, "current": current}


def test_a_finance_clerk_records_a_payment_with_the_keyboard_only(page: Page, live_server, books):
    overdue, disputed, current = books["overdue"], books["disputed"], books["current"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/cash/payments/new/")
    customer = page.locator("#customer-query")
    expect(customer).to_be_focused()

    # the customer: type, the first match is highlighted, Enter takes it and moves to the amount
    page.keyboard.type("acm")
    expect(page.locator("#customer-options [role=option]").first).to_contain_text("Acme Trading GmbH")
    page.keyboard.press("Enter")
    expect(customer).to_have_value("ACME — Acme Trading GmbH")
    expect(page.locator("#id_amount")).to_be_focused()
    rows = page.get_by_test_id("open-invoice")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(overdue.number)
    expect(rows.first.get_by_test_id("days-overdue")).to_have_text("25")
    expect(page.get_by_test_id("unapplied-cash")).to_have_text("25.00")

    # the amount: the proposal fills the inputs, oldest due first, the disputed 80.00 left out
    page.keyboard.type("1,600.00")
    apply_overdue, apply_disputed = (
        page.locator(f"#id_apply_{overdue.pk}"),
        page.locator(f"#id_apply_{disputed.pk}"),
    )
    apply_current = page.locator(f"#id_apply_{current.pk}")
    expect(apply_overdue).to_have_value("1190.00")
    expect(apply_disputed).to_have_value("400.00")
    expect(apply_current).to_have_value("10.00")
    expect(page.get_by_test_id("footer-unapplied")).to_have_text("0.00")

    # Tab: reference (naming the current invoice puts it first), date, method, then the amounts
    page.keyboard.press("Tab")
    expect(page.locator("#id_reference")).to_be_focused()
    page.keyboard.type(f"Acme payment {current.number}")
    expect(apply_current).to_have_value("356.96")
    expect(apply_overdue).to_have_value("1190.00")
    expect(apply_disputed).to_have_value("53.04")
    page.keyboard.press("Tab")
    expect(page.locator("#id_received_on")).to_be_focused()
    expect(page.locator("#id_received_on")).to_have_value(timezone.localdate().isoformat())
    page.keyboard.press("Tab")  # one Tab leaves the date, not one per part of it
    expect(page.locator("#id_method")).to_be_focused()
    page.keyboard.press("Tab")
    expect(apply_overdue).to_be_focused()
    page.screenshot(path=SCREENSHOTS / "payment-entry.png", full_page=True)

    # Enter accepts the proposal and saves
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        "recorded: 1600.00 EUR from ACME; 1600.00 applied to 3 invoices"
    )
    expect(page.get_by_test_id("allocation")).to_have_count(3)
    page.screenshot(path=SCREENSHOTS / "payment-detail.png", full_page=True)
    payment = Payment.objects.exclude(reference="overpaid in May").get()
    assert {a.invoice_id: a.amount for a in payment.allocations.all()} == {
        overdue.pk: Decimal("1190.00"),
        current.pk: Decimal("356.96"),
        disputed.pk: Decimal("53.04"),
    }

    # the invoice named in the reference is paid, and its page says so
    page.goto(f"{live_server.url}/invoices/{current.pk}/")
    expect(page.get_by_test_id("invoice-status")).to_have_text("paid")
    expect(page.get_by_test_id("allocations")).to_contain_text(payment.number)
    page.goto(f"{live_server.url}/invoices/{disputed.pk}/")
    expect(page.get_by_test_id("disputes")).to_contain_text("Damaged goods")
    page.screenshot(path=SCREENSHOTS / "invoice-cash.png", full_page=True)
    assert Invoice.objects.get(pk=overdue.pk).status == "paid"
    assert Invoice.objects.get(pk=disputed.pk).balance == Decimal("426.96")


def test_the_clerk_confirms_a_duplicate_and_reads_the_disputes(page: Page, live_server, books):
    acme, current = books["acme"], books["current"]
    pipeline.payment_record(
        customer_id=acme.pk, amount="356.96", reference=current.number, received_on=timezone.localdate()
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server.url, "fiona")

    # the same payment again, from the invoice page's button: refused until confirmed
    page.goto(f"{live_server.url}/invoices/{books['overdue'].pk}/")
    page.get_by_test_id("record-payment").click()
    expect(page.locator("#customer-query")).to_have_value("ACME — Acme Trading GmbH")
    expect(page.locator("#id_amount")).to_be_focused()
    page.keyboard.type("356.96")
    page.keyboard.press("Tab")
    page.keyboard.type(current.number)
    expect(page.locator(f"#id_apply_{books['overdue'].pk}")).to_have_value("356.96")
    # the proposal for the reference may still be on its way (a slow machine): wait for htmx
    page.wait_for_function("() => document.querySelectorAll('.htmx-request').length === 0")
    page.keyboard.press("Alt+s")
    expect(page.get_by_test_id("duplicate")).to_contain_text("already records 356.96")
    expect(page.locator("#id_confirm_duplicate")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Alt+s")
    expect(page.get_by_role("alert")).to_contain_text("recorded: 356.96 EUR from ACME")
    assert Payment.objects.filter(reference=current.number).count() == 2

    # the disputes: oldest first, owner shown, resolved inline
    page.get_by_test_id("nav").get_by_role("button", name="Cash").click()
    page.get_by_test_id("nav").get_by_role("link", name="Disputes").click()
    rows = page.get_by_test_id("dispute-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("BIST")
    expect(rows.first.get_by_test_id("days-open")).to_have_text("33 d")
    expect(rows.first).to_contain_text("Fiona Ledger")
    page.screenshot(path=SCREENSHOTS / "disputes.png", full_page=True)
    last = rows.last
    last.get_by_label("Outcome of dispute").select_option("rejected")
    last.get_by_label("Note on dispute").fill("discount was for orders over 500")
    last.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("dispute-done")).to_contain_text("rejected")
