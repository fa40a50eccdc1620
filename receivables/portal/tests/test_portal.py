"""The customer portal: a signed, expiring, revocable link that shows one customer its open
invoices, their PDFs, its statement and how to pay, and nothing of anybody else."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from o2c import pipeline
from receivables.models import PortalLink
from receivables.portal.services import SALT, portal_link_create, portal_link_revoke
from tests.builders import a_customer, an_invoice
from tests.errors import error_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(make_user):
    finance = make_user("finance")
    ours = a_customer(name="Brandt & Söhne KG", code="B2001", payment_terms_days=14)
    theirs = a_customer(name="Other Customer GmbH", code="O9009")
    open_one = an_invoice(ours, "250.00", by=finance)
    paid_one = an_invoice(ours, "40.00", by=finance)
    pipeline.payment_record(
        customer_id=ours.pk,
        amount="40.00",
        reference=paid_one.number,
        received_on=timezone.localdate(),
        by=finance,
    )
    foreign = an_invoice(theirs, "999.00", by=finance)
    return {
        "finance": finance,
        "ours": ours,
        "theirs": theirs,
        "open": open_one,
        "paid": paid_one,
        "foreign": foreign,
    }


def portal_path(token: str, name: str = "portal:overview", *args) -> str:
    return reverse(name, args=[token, *args])


def test_the_link_shows_that_customer_its_open_invoices_and_how_to_pay(accounts, client, settings):
    issued = portal_link_create(customer_id=accounts["ours"].pk, by=accounts["finance"])

    page = client.get(portal_path(issued.token))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Brandt &amp; Söhne KG" in html and accounts["open"].number in html
    assert accounts["paid"].number not in html  # settled: not open any more
    assert accounts["foreign"].number not in html and "Other Customer" not in html
    assert html.count('data-testid="portal-invoice"') == 1
    assert settings.O2C_COMPANY_BANK in html and settings.O2C_COMPANY_NAME in html
    assert f"{accounts['open'].number} B2001" in html  # payment reference: invoice number and customer code
    assert portal_path(issued.token, "portal:invoice-pdf", accounts["open"].pk) in html
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "same-origin"


def test_the_portal_shows_no_staff_navigation_even_to_a_logged_in_user(accounts, client):
    issued = portal_link_create(customer_id=accounts["ours"].pk)
    client.force_login(accounts["finance"])

    html = client.get(portal_path(issued.token)).content.decode()

    assert 'data-testid="nav"' not in html and "Log out" not in html and "navbar" not in html
    assert reverse("receivables:portal-links", args=[accounts["ours"].pk]) not in html


def test_the_invoice_pdf_is_served_for_that_customer_only(accounts, client):
    token = portal_link_create(customer_id=accounts["ours"].pk).token

    pdf = client.get(portal_path(token, "portal:invoice-pdf", accounts["open"].pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert accounts["open"].number in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    # a settled invoice of the customer is its own document too
    assert client.get(portal_path(token, "portal:invoice-pdf", accounts["paid"].pk)).status_code == 200

    other = client.get(portal_path(token, "portal:invoice-pdf", accounts["foreign"].pk))
    assert other.status_code == 404 and b"999.00" not in other.content
    assert client.get(portal_path(token, "portal:invoice-pdf", 987654)).status_code == 404


def test_the_statement_page_and_pdf_through_the_link(accounts, client):
    token = portal_link_create(customer_id=accounts["ours"].pk).token

    page = client.get(portal_path(token, "portal:statement"))
    assert page.status_code == 200
    html = page.content.decode()
    assert accounts["open"].number in html and accounts["paid"].number in html
    assert 'data-testid="closing-balance">250.00' in html
    assert accounts["foreign"].number not in html

    pdf = client.get(portal_path(token, "portal:statement"), {"export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Brandt & Söhne KG" in text and "250.00" in text

    bad = client.get(portal_path(token, "portal:statement"), {"from": "2026-05-01", "to": "2026-04-01"})
    assert bad.status_code == 200 and "after it ends" in bad.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: signing.dumps({"link": 1}, salt="another.salt"),  # signed for something else
        lambda token: signing.dumps({"link": 1}, salt=SALT, key="not-our-secret-key"),  # forged
        lambda token: "garbage",
    ],
)
def test_a_tampered_or_forged_token_is_refused(accounts, client, tamper):
    token = portal_link_create(customer_id=accounts["ours"].pk).token

    response = client.get(portal_path(tamper(token)))

    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-code="invalid"' in html and "Brandt" not in html and accounts["open"].number not in html


def test_a_token_for_another_link_id_cannot_be_made_by_editing_the_payload(accounts, client):
    mine = portal_link_create(customer_id=accounts["ours"].pk).token
    theirs = portal_link_create(customer_id=accounts["theirs"].pk)
    _, _, rest = mine.partition(":")
    forged = signing.dumps({"link": theirs.link.pk}, salt=SALT).partition(":")[0] + ":" + rest

    assert client.get(portal_path(forged)).status_code == 404


def test_an_expired_link_is_refused(accounts, client, settings):
    settings.O2C_PORTAL_LINK_DAYS = 10
    issued = portal_link_create(customer_id=accounts["ours"].pk)
    assert issued.link.expires_at - issued.link.created_at == pytest.approx(
        timedelta(days=10), abs=timedelta(seconds=5)
    )

    with time_machine.travel(timezone.now() + timedelta(days=9, hours=23), tick=False):
        assert client.get(portal_path(issued.token)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=10, minutes=1), tick=False):
        response = client.get(portal_path(issued.token))
        pdf = client.get(portal_path(issued.token, "portal:invoice-pdf", accounts["open"].pk))
    assert response.status_code == 403 and 'data-code="expired"' in response.content.decode()
    assert accounts["open"].number not in response.content.decode()
    assert pdf.status_code == 403


def test_a_revoked_link_is_refused(accounts, client):
    issued = portal_link_create(customer_id=accounts["ours"].pk)
    assert client.get(portal_path(issued.token)).status_code == 200

    portal_link_revoke(link_id=issued.link.pk, customer_id=accounts["ours"].pk)

    for path in (
        portal_path(issued.token),
        portal_path(issued.token, "portal:statement"),
        portal_path(issued.token, "portal:invoice-pdf", accounts["open"].pk),
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert 'data-code="revoked"' in response.content.decode()


def test_the_portal_changes_nothing(accounts, client):
    token = portal_link_create(customer_id=accounts["ours"].pk).token
    assert client.post(portal_path(token)).status_code == 405
    assert client.post(portal_path(token, "portal:statement")).status_code == 405


def test_a_visit_records_when_the_link_was_last_used(accounts, client):
    issued = portal_link_create(customer_id=accounts["ours"].pk)
    assert issued.link.last_used_at is None
    client.get(portal_path(issued.token))
    issued.link.refresh_from_db()
    assert issued.link.last_used_at is not None


def test_the_portal_runs_a_bounded_number_of_queries(
    accounts, client, django_assert_max_num_queries, make_user
):
    for amount in ("10.00", "20.00", "30.00", "40.00"):
        an_invoice(accounts["ours"], amount, by=accounts["finance"])
    token = portal_link_create(customer_id=accounts["ours"].pk).token
    client.get(portal_path(token))  # the first visit writes last_used_at

    with django_assert_max_num_queries(5):  # 4, and one for the open quotations (decision 0053)
        assert client.get(portal_path(token)).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(portal_path(token, "portal:statement")).status_code == 200


# ── finance's portal-link page ───────────────────────────────────────────────────────────────────


def test_finance_creates_a_link_sees_it_once_and_revokes_it(accounts, client):
    customer = accounts["ours"]
    client.force_login(accounts["finance"])
    page_url = reverse("receivables:portal-links", args=[customer.pk])

    created = client.post(page_url, {"days": "7"})

    assert created.status_code == 200
    link = PortalLink.objects.get(customer=customer)
    assert link.created_by == accounts["finance"]
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)
    url = created.context["new_url"]
    assert url.startswith("http://testserver/portal/") and url in created.content.decode()
    assert client.get(url).status_code == 200
    # listed afterwards, the URL is not shown again
    listing = client.get(page_url).content.decode()
    assert 'data-status="active"' in listing and url not in listing
    csv = b"".join(client.get(page_url, {"export": "csv"}).streaming_content).decode()
    assert csv.splitlines()[0].startswith("id,created_at") and ",active" in csv

    revoked = client.post(reverse("receivables:portal-link-revoke", args=[customer.pk, link.pk]), follow=True)
    assert 'data-status="revoked"' in revoked.content.decode()
    assert client.get(url).status_code == 403
    again = client.post(reverse("receivables:portal-link-revoke", args=[customer.pk, link.pk]), follow=True)
    assert "already revoked" in again.content.decode()


def test_a_link_cannot_be_revoked_through_another_customer(accounts, client):
    issued = portal_link_create(customer_id=accounts["ours"].pk)
    client.force_login(accounts["finance"])
    client.post(reverse("receivables:portal-link-revoke", args=[accounts["theirs"].pk, issued.link.pk]))
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is None


def test_a_bad_validity_is_shown_next_to_the_field(accounts, client):
    client.force_login(accounts["finance"])
    page = client.post(reverse("receivables:portal-links", args=[accounts["ours"].pk]), {"days": "0"})
    assert page.status_code == 200 and "is-invalid" in page.content.decode()
    assert not PortalLink.objects.exists()


def test_sales_and_warehouse_cannot_create_or_revoke_links(accounts, client, make_user):
    customer = accounts["ours"]
    issued = portal_link_create(customer_id=customer.pk)
    for role in ("sales", "warehouse"):
        client.force_login(make_user(role))
        assert client.get(reverse("receivables:portal-links", args=[customer.pk])).status_code == 403
        assert (
            client.post(reverse("receivables:portal-links", args=[customer.pk]), {"days": "5"}).status_code
            == 403
        )
        revoke = reverse("receivables:portal-link-revoke", args=[customer.pk, issued.link.pk])
        assert client.post(revoke).status_code == 403
    assert PortalLink.objects.count() == 1 and PortalLink.objects.get().revoked_at is None


# ── the API ──────────────────────────────────────────────────────────────────────────────────────


def test_the_portal_link_api(accounts, api_client_for, client):
    api = api_client_for("finance", "api-finance")
    url = f"/api/v1/customers/{accounts['ours'].pk}/portal-link/"

    response = api.post(url, {}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body.keys() == {"id", "url", "expires_at"}
    assert body["url"].startswith("http://testserver/portal/")
    assert accounts["open"].number in client.get(body["url"]).content.decode()
    link = PortalLink.objects.get(pk=body["id"])
    assert link.created_by == api.user
    assert timedelta(days=29, hours=23) < link.expires_at - timezone.now() <= timedelta(days=30)

    short = api.post(url, {"days": 3}, format="json").json()
    assert (
        timedelta(days=2)
        < PortalLink.objects.get(pk=short["id"]).expires_at - timezone.now()
        <= timedelta(days=3)
    )
    too_short = api.post(url, {"days": 0}, format="json")
    assert too_short.json().keys() == {"days", "code"} and error_code(too_short) == "min_value"
    assert api.post("/api/v1/customers/999999/portal-link/", {}, format="json").status_code == 404


def test_the_portal_link_api_honours_idempotency_keys(accounts, api_client_for):
    api = api_client_for("manager", "api-manager")
    url = f"/api/v1/customers/{accounts['ours'].pk}/portal-link/"

    first = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="link-1")
    again = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="link-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert PortalLink.objects.count() == 1


@pytest.mark.parametrize("role", ["sales", "warehouse"])
def test_sales_and_warehouse_cannot_create_links_through_the_api(accounts, api_client_for, role):
    api = api_client_for(role, f"api-{role}")
    response = api.post(f"/api/v1/customers/{accounts['ours'].pk}/portal-link/", {}, format="json")
    assert response.status_code == 403
    assert not PortalLink.objects.exists()


def test_unapplied_cash_is_set_against_what_is_due(accounts, client):
    """Cash not yet applied is the customer's credit: what it is asked to pay is less by it."""
    pipeline.payment_record(
        customer_id=accounts["ours"].pk,
        amount="30.00",
        reference="on account",
        received_on=timezone.localdate(),
        allocations=[],
        by=accounts["finance"],
    )
    token = portal_link_create(customer_id=accounts["ours"].pk).token

    page = client.get(portal_path(token))

    assert (page.context["total"], page.context["unapplied"], page.context["balance_due"]) == (
        Decimal("250.00"),
        Decimal("30.00"),
        Decimal("220.00"),
    )
    assert 'data-testid="balance-due">220.00' in page.content.decode()
