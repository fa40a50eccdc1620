"""A person logs in from the keyboard, lands on their role's home page, and logs out."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_clerk_logs_in_with_the_keyboard_and_sees_the_ledger(page: Page, live_server, make_user):
    user = make_user("finance", "fiona")
    user.set_password("a-long-demo-password")
    user.save()

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.keyboard.type("fiona")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-demo-password")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/home/finance/")
    nav = page.get_by_test_id("nav")
    nav.get_by_role("button", name="Ledger").click()  # the menus group the pages of a stage
    expect(nav.get_by_role("link", name="Trial balance")).to_be_visible()
    expect(nav.get_by_role("link", name="Sales")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "home-finance.png", full_page=True)

    nav.get_by_role("link", name="Trial balance").click()
    expect(page.get_by_test_id("trial-balance")).to_contain_text("Accounts receivable")
    page.screenshot(path=SCREENSHOTS / "trial-balance.png", full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/login/")


def test_a_wrong_password_shows_a_message(page: Page, live_server, make_user):
    make_user("sales", "sam")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.screenshot(path=SCREENSHOTS / "login-error.png")
