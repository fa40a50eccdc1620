"""Each role sees its own navigation and is refused the pages of others."""

import pytest
from django.contrib.auth.models import Group

from o2c.roles import ROLE_PERMISSIONS, roles_sync

HOMES = {
    "sales": "/home/sales/",
    "warehouse": "/home/warehouse/",
    "finance": "/home/finance/",
    "manager": "/home/manager/",
}
FINANCE_PAGES = [
    "/ledger/trial-balance/",
    "/ledger/journal/",
    "/cash/payments/",
    "/cash/payments/new/",
    "/cash/disputes/",
    "/cash/bank/",
    "/cash/dunning/",
    "/cash/mandates/",
    "/cash/direct-debits/",
]


@pytest.fixture
def browser_for(client, make_user):
    def login(role):
        client.force_login(make_user(role))
        return client

    return login


def nav_links(response) -> set[str]:
    return {item["url_name"] for item in response.context["nav_items"]}


@pytest.mark.django_db
class TestNavigationByRole:
    def test_sales(self, browser_for):
        client = browser_for("sales")
        page = client.get("/", follow=True)
        assert page.redirect_chain[-1][0] == HOMES["sales"]
        assert nav_links(page) == {
            "home-sales",
            "customers:list",
            "inventory:products",
            "inventory:stock",
            "orders:list",
            "orders:create",
            "quotations:list",
            "quotations:create",
            "invoicing:list",
            "returns:list",
            "api-docs",
        }
        for other in ("warehouse", "finance", "manager"):
            assert client.get(HOMES[other]).status_code == 403
        for url in FINANCE_PAGES:
            assert client.get(url).status_code == 403

    def test_warehouse(self, browser_for):
        client = browser_for("warehouse")
        page = client.get("/", follow=True)
        assert page.redirect_chain[-1][0] == HOMES["warehouse"]
        assert nav_links(page) == {
            "home-warehouse",
            "inventory:products",
            "inventory:stock",
            "inventory:receive",
            "orders:list",
            "fulfillment:queue",
            "fulfillment:shipments",
            "fulfillment:late",
            "returns:list",
            "api-docs",
        }
        for other in ("sales", "finance", "manager"):
            assert client.get(HOMES[other]).status_code == 403
        assert client.get("/ledger/trial-balance/").status_code == 403

    def test_finance(self, browser_for):
        client = browser_for("finance")
        page = client.get("/", follow=True)
        assert page.redirect_chain[-1][0] == HOMES["finance"]
        assert nav_links(page) == {
            "home-finance",
            "customers:list",
            "orders:list",
            "credit:holds",
            "invoicing:list",
            "invoicing:credit-notes",
            "receivables:worklist",
            "receivables:payment-new",
            "receivables:payments",
            "receivables:bank-statements",
            "receivables:direct-debits",
            "receivables:disputes",
            "receivables:dunning",
            "reporting:index",
            "reporting:aging",
            "reporting:subscription",
            "ledger:trial-balance",
            "ledger:journal",
            "ledger:lock-date",
            "ledger:exchange-rates",
            "imports:index",
            "api-docs",
        }
        for other in ("sales", "warehouse", "manager"):
            assert client.get(HOMES[other]).status_code == 403
        for url in FINANCE_PAGES:
            assert client.get(url).status_code == 200

    def test_manager_sees_every_stage(self, browser_for):
        client = browser_for("manager")
        page = client.get("/", follow=True)
        assert page.redirect_chain[-1][0] == HOMES["manager"]
        assert {
            "home-sales",
            "home-warehouse",
            "home-finance",
            "home-manager",
            "ledger:trial-balance",
            "pricing:list",
        } <= nav_links(page)
        assert "admin:index" in nav_links(page)
        for url in [*HOMES.values(), *FINANCE_PAGES]:
            assert client.get(url).status_code == 200

    def test_anonymous_users_are_sent_to_the_login_page(self, client):
        for url in [*HOMES.values(), *FINANCE_PAGES, "/"]:
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_a_user_without_a_role_is_refused(self, browser_for):
        assert browser_for(None).get("/").status_code == 403


@pytest.mark.django_db
def test_login_and_logout_pages(client, make_user):
    user = make_user("sales")
    user.set_password("correct horse battery")
    user.save()
    assert client.get("/login/").status_code == 200
    wrong = client.post("/login/", {"username": user.username, "password": "nope"})
    assert wrong.status_code == 200 and "Please enter a correct username and password" in wrong.text
    right = client.post(
        "/login/", {"username": user.username, "password": "correct horse battery"}, follow=True
    )
    assert right.redirect_chain[-1][0] == "/home/sales/"
    assert client.post("/logout/").status_code == 302
    assert client.get("/home/sales/").status_code == 302


@pytest.mark.django_db
def test_every_permission_of_the_role_table_exists_and_is_granted():
    counts = roles_sync()
    for role, names in ROLE_PERMISSIONS.items():
        if names == ["*"]:
            continue
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related("content_type")
        }
        assert granted == set(names), role
        assert counts[role] == len(set(names))


@pytest.mark.django_db
def test_trial_balance_page_and_csv(browser_for):
    client = browser_for("finance")
    page = client.get("/ledger/trial-balance/?as_of=2026-11-30")
    assert page.status_code == 200 and "Accounts receivable" in page.text
    export = client.get("/ledger/trial-balance/?export=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert (
        b"".join(export.streaming_content).decode().splitlines()[0] == "code,name,type,debit,credit,balance"
    )
