"""The navigation bar by role: one table, read by the base template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from o2c.roles import FINANCE, MANAGER, ROLE_LABELS, SALES, WAREHOUSE, has_role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    group: str = ""


# Later issues add their pages here; an entry whose URL does not exist yet is not shown.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Sales", "home-sales", (SALES,), "Home"),
    NavItem("Warehouse", "home-warehouse", (WAREHOUSE,), "Home"),
    NavItem("Finance", "home-finance", (FINANCE,), "Home"),
    NavItem("Manager", "home-manager", (MANAGER,), "Home"),
    NavItem("Customers", "customers:list", (SALES, FINANCE), "Master data"),
    NavItem("Price lists", "pricing:list", (MANAGER,), "Master data"),
    NavItem("Products", "inventory:products", (SALES, WAREHOUSE), "Inventory"),
    NavItem("Stock", "inventory:stock", (SALES, WAREHOUSE), "Inventory"),
    NavItem("Receive goods", "inventory:receive", (WAREHOUSE,), "Inventory"),
    NavItem("Orders", "orders:list", (SALES, WAREHOUSE, FINANCE), "Orders"),
    NavItem("New order", "orders:create", (SALES,), "Orders"),
    NavItem("Quotations", "quotations:list", (SALES,), "Orders"),
    NavItem("New quotation", "quotations:create", (SALES,), "Orders"),
    NavItem("Pick queue", "fulfillment:queue", (WAREHOUSE,), "Warehouse"),
    NavItem("Shipments", "fulfillment:shipments", (WAREHOUSE,), "Warehouse"),
    NavItem("Late", "fulfillment:late", (WAREHOUSE,), "Warehouse"),
    NavItem("Returns", "returns:list", (WAREHOUSE, SALES), "Warehouse"),
    NavItem("Credit holds", "credit:holds", (FINANCE,), "Credit"),
    NavItem("Invoices", "invoicing:list", (FINANCE, SALES), "Invoicing"),
    NavItem("Credit notes", "invoicing:credit-notes", (FINANCE,), "Invoicing"),
    NavItem("Worklist", "receivables:worklist", (FINANCE,), "Cash"),
    NavItem("Record payment", "receivables:payment-new", (FINANCE,), "Cash"),
    NavItem("Payments", "receivables:payments", (FINANCE,), "Cash"),
    NavItem("Bank statements", "receivables:bank-statements", (FINANCE,), "Cash"),
    NavItem("Direct debits", "receivables:direct-debits", (FINANCE,), "Cash"),
    NavItem("Disputes", "receivables:disputes", (FINANCE,), "Cash"),
    NavItem("Dunning", "receivables:dunning", (FINANCE,), "Cash"),
    NavItem("Reports", "reporting:index", (FINANCE,), "Reports"),
    NavItem("Aging", "reporting:aging", (FINANCE,), "Reports"),
    NavItem("Daily report e-mail", "reporting:subscription", (FINANCE,), "Reports"),
    NavItem("Trial balance", "ledger:trial-balance", (FINANCE,), "Ledger"),
    NavItem("Journal", "ledger:journal", (FINANCE,), "Ledger"),
    NavItem("Lock date", "ledger:lock-date", (FINANCE,), "Ledger"),
    NavItem("Exchange rates", "ledger:exchange-rates", (FINANCE,), "Ledger"),
    NavItem("Imports", "imports:index", (FINANCE,), "Tools"),
    NavItem("Customer e-mails", "notifications:settings", (MANAGER,), "Tools"),
    NavItem("API docs", "api-docs", (SALES, WAREHOUSE, FINANCE), "Tools"),
    NavItem("Webhooks", "webhooks:endpoints", (MANAGER,), "Tools"),
    NavItem("Webhook deliveries", "webhooks:deliveries", (MANAGER,), "Tools"),
    NavItem("Admin", "admin:index", (MANAGER,), "Tools"),
)


def navigation_for(user: Any) -> list[dict[str, Any]]:
    items = []
    for item in NAVIGATION:
        if not has_role(user, *item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "group": item.group, "url_name": item.url_name})
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `company_name`, `nav_items` and `user_role_labels` for the base template."""
    company = {"company_name": settings.O2C_COMPANY_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {**company, "nav_items": [], "user_role_labels": []}
    items = navigation_for(user)
    return {
        **company,
        "nav_items": items,
        "nav_groups": nav_groups(items),
        "user_role_labels": [ROLE_LABELS[role] for role in sorted(user_roles(user))],
    }


def nav_groups(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items by group, in table order: a group of one is a link, a larger one a menu."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["group"] or item["label"], []).append(item)
    return [{"label": label, "items": members} for label, members in groups.items()]
