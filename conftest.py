"""Shared fixtures: users per role and API clients with their tokens."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from o2c.auth import api_token_issue
from o2c.roles import ROLES


@pytest.fixture
def make_user(db) -> Callable:
    def make(role: str | None, username: str | None = None):
        user = get_user_model().objects.create_user(
            username=username or f"{role or 'norole'}-user", password="pw-not-used"
        )
        if role:
            assert role in ROLES
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def api_client_for(make_user) -> Callable:
    def client_for(role: str | None, username: str | None = None) -> APIClient:
        user = make_user(role, username)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
        client.user = user
        return client

    return client_for


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests end with a flush that empties every table, the rows seeded by data
    migrations included; put the chart of accounts and the role groups back before each one."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if marker and marker.kwargs.get("transaction"):
        transactional = True
    if transactional:
        request.getfixturevalue("transactional_db")
        reference_data_seed()


def reference_data_seed() -> None:
    from django.apps import apps

    from o2c.roles import roles_sync

    importlib.import_module("ledger.migrations.0002_chart_of_accounts").seed_chart(apps, None)
    importlib.import_module("ledger.migrations.0003_goods_received_account").add_account(apps, None)
    importlib.import_module("ledger.migrations.0005_opening_balances_account").add_account(apps, None)
    importlib.import_module("ledger.migrations.0007_sales_discounts_account").add_account(apps, None)
    importlib.import_module("ledger.migrations.0008_fx_accounts").add_accounts(apps, None)
    importlib.import_module("receivables.migrations.0003_roles_levels_backfill").seed_levels(apps, None)
    importlib.import_module("receivables.migrations.0012_dunning_tone").set_tones(apps, None)
    roles_sync()


# --- Content-Security-Policy (decision 0033) ---------------------------------------------------
# Chromium reports every refusal on the console ("Refused to execute inline script because it
# violates the following Content Security Policy directive ...") and as a securitypolicyviolation
# event. Every browser test that drives `page` (tests/browser/, reporting's) fails on any of them,
# so the interactions of all the browser tests run under the policy.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def is_csp_report(text: str) -> bool:
    return "Content Security Policy" in text or text.startswith("Refused to")


@pytest.fixture(autouse=True)
def csp_violations(request):
    """The CSP refusals Chromium reported on `page` during the test (the test fails on any)."""
    if "page" not in request.fixturenames:
        yield []
        return
    page = request.getfixturevalue("page")
    reports: list[str] = []
    page.on("console", lambda message: reports.append(message.text) if is_csp_report(message.text) else None)
    page.on("pageerror", lambda error: reports.append(str(error)) if is_csp_report(str(error)) else None)
    page.context.add_init_script(CSP_LISTENER)
    yield reports
    assert not reports, "Content-Security-Policy violations:\n" + "\n".join(reports)
