"""Kernel pages: the home page per role, /healthz and the 500 handler."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from o2c import health
from o2c.api import DATABASE_ERRORS, DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from o2c.errors import KernelErrorCode
from o2c.roles import FINANCE, MANAGER, ROLE_LABELS, SALES, WAREHOUSE, primary_role, role_required
from reporting import dashboard

# What each role's home page offers; later issues fill in the pages behind the cards.
HOME_CARDS: dict[str, dict[str, Any]] = {
    SALES: {
        "intro": "Enter and follow orders, look up customers and stock.",
        "cards": [
            ("New order", "Enter an order: live prices, stock and credit headroom.", "orders:create"),
            ("Orders", "Every order with its status, fulfilment, billing and payment.", "orders:list"),
            ("Customers", "Customers, their terms and credit position.", "customers:list"),
            ("Products", "The catalogue: prices, tax rates, what is available.", "inventory:products"),
            ("Stock", "On hand, reserved, available and backordered per warehouse.", "inventory:stock"),
            ("API documentation", "Integrate a web shop or EDI gateway.", "api-docs"),
        ],
    },
    WAREHOUSE: {
        "intro": "Receive stock, pick, pack and ship.",
        "cards": [
            ("Pick queue", "Allocated orders to pick, oldest requested date first.", "fulfillment:queue"),
            ("Shipments", "Pick lists, packed and shipped goods, deliveries.", "fulfillment:shipments"),
            ("Late", "Shipments past their estimated delivery; orders past due.", "fulfillment:late"),
            ("Receive goods", "Book a delivery in; backorders are served first.", "inventory:receive"),
            ("Stock", "On hand, reserved, available and backordered per warehouse.", "inventory:stock"),
            ("Stock moves", "Every receipt, issue and adjustment, latest first.", "inventory:moves"),
            ("API documentation", "Stock receipts and shipments by API.", "api-docs"),
        ],
    },
    FINANCE: {
        "intro": "Credit holds, payments, disputes, dunning and the ledger.",
        "cards": [
            (
                "Record payment",
                "Pick the customer, type the amount, accept or adjust the allocation.",
                "receivables:payment-new",
            ),
            (
                "Bank statements",
                "Import a CSV or CAMT.053 statement and record its payments.",
                "receivables:bank-statements",
            ),
            ("Disputes", "Open disputes by age and owner; resolve by credit note.", "receivables:disputes"),
            ("Dunning", "Preview and send reminders for overdue invoices.", "receivables:dunning"),
            ("Payments", "Every payment with its allocations and unapplied cash.", "receivables:payments"),
            ("Credit holds", "Orders waiting for a credit decision, oldest first.", "credit:holds"),
            ("Invoices", "Every invoice with its balance, days overdue and delivery.", "invoicing:list"),
            ("Credit notes", "Credit notes issued, with their invoices and PDFs.", "invoicing:credit-notes"),
            ("Customers", "Credit limits, blocks, dunning and each customer's exposure.", "customers:list"),
            ("Trial balance", "Every account's balance, as of any date.", "ledger:trial-balance"),
            ("Journal", "Every posting, filterable and exportable.", "ledger:journal"),
        ],
    },
    MANAGER: {
        "intro": "The state of the order-to-cash cycle.",
        "cards": [
            ("Customers", "Credit limits, exposure and headroom per customer.", "customers:list"),
            ("Stock", "On hand, reserved, available and backordered per warehouse.", "inventory:stock"),
            ("Trial balance", "Every account's balance, as of any date.", "ledger:trial-balance"),
            ("Admin", "Master data, users and roles.", "admin:index"),
        ],
    },
}

# The dashboard shown above the cards, per role (issue 7).
DASHBOARDS: dict[str, Callable[..., Any]] = {
    MANAGER: dashboard.manager_dashboard,
    FINANCE: dashboard.finance_dashboard,
    SALES: dashboard.sales_dashboard,
}


@login_required
def home(request: HttpRequest) -> HttpResponseBase:
    role = primary_role(request.user)
    if role is None:
        return HttpResponseForbidden("Your account has no role yet; ask an administrator to give you one.")
    return redirect(f"home-{role}")


def _role_home(role: str) -> Callable[..., HttpResponse]:
    @role_required(role)
    def view(request: HttpRequest) -> HttpResponse:
        spec = HOME_CARDS[role]
        cards: list[dict[str, Any]] = []
        for title, text, url_name in spec["cards"]:
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                url = None
            cards.append({"title": title, "text": text, "url": url})
        context: dict[str, Any] = {
            "role": role,
            "role_label": ROLE_LABELS[role],
            "intro": spec["intro"],
            "cards": cards,
        }
        today = timezone.localdate()
        if role in DASHBOARDS:  # the figures of the role's dashboard (reporting/dashboard/)
            context["dashboard"] = DASHBOARDS[role](today=today, user=request.user)
        return render(request, f"o2c/home_{role}.html", {**context, "today": today})

    view.__name__ = f"home_{role}"
    return view


home_sales = _role_home(SALES)
home_warehouse = _role_home(WAREHOUSE)
home_finance = _role_home(FINANCE)
home_manager = _role_home(MANAGER)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health.health()
    return JsonResponse(body, status=200 if healthy else 503)


_UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back in a moment — O2C</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>Back in a moment</h1>
<p>The database is unavailable for a moment, so this page cannot be shown. Nothing you sent
was lost half-way: try again in a few seconds.</p>
</body></html>
"""


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: a database that is away (restarting, failing over) is a 503 with
    Retry-After, JSON on the API and a plain page elsewhere, rendered without the database;
    any other error is Django's 500 (decision 0030)."""
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_ERRORS):
        return defaults.server_error(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(DATABASE_UNAVAILABLE, status=503)
    else:
        response = HttpResponse(_UNAVAILABLE_PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler404`: under /api/, a path that names nothing (`/api/v1/orders/-5/`, `/api/v1/nope/`)
    answers the API's JSON error body, as a 404 from a view does; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": KernelErrorCode.NOT_FOUND}, status=404)
    return defaults.page_not_found(request, exception)
