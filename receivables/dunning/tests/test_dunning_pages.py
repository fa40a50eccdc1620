"""Dunning seen from outside: the API, the dunning pages and the admin of the levels. Invoices are
built today through the pipeline, then the clock travels forward (time_machine) to the days the
levels are reached."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from o2c.outbox import outbox_relay
from receivables.dunning import services as dunning_services
from receivables.dunning.tests.builders import (
    customer,
    go_to,
    overdue,
    pdf_text,
)
from receivables.models import DunningLevel, DunningNotice, DunningRun
from tests.builders import an_invoice
from tests.errors import error_code

pytestmark = pytest.mark.django_db


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
    assert (future.status_code, list(future.json())) == (400, ["as_of", "code"])
    assert (garbage.status_code, list(garbage.json())) == (400, ["as_of", "code"])
    assert (error_code(future), error_code(garbage)) == ("date_out_of_range", "invalid_date")
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
        "tone": "firm",
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
