"""The import pages: the kinds with their templates, upload → dry run → results → import, and
the progress of a long file (its Celery task runs eagerly in tests)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from customers.models import Customer
from imports import services
from imports.models import ImportBatch
from imports.tests.files import csv_file
from invoicing.models import Invoice
from tests.builders import a_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, make_user):
    client.force_login(make_user("manager"))
    return client


def upload(client, kind: str, content: bytes, name: str = "file.csv"):
    return client.post(f"/imports/{kind}/", {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_the_index_lists_the_four_kinds_with_their_templates(manager):
    page = manager.get("/imports/")
    assert page.status_code == 200
    for kind in ("customers", "products", "stock", "open-invoices"):
        assert f'data-kind="{kind}"' in page.text
        assert f"/imports/{kind}/template.csv" in page.text and f"/imports/{kind}/template.xlsx" in page.text


@pytest.mark.parametrize("kind", ["customers", "products", "stock", "open-invoices"])
def test_each_template_has_the_header_and_one_example_row(manager, kind):
    csv_text = manager.get(f"/imports/{kind}/template.csv").content.decode()
    lines = [line for line in csv_text.splitlines() if line]
    assert len(lines) == 2 and lines[0].startswith(("code,", "sku,", "number,"))
    workbook = load_workbook(io.BytesIO(manager.get(f"/imports/{kind}/template.xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[0][0] in ("code", "sku", "number")


def test_the_customers_template_imports_as_it_is(manager):
    template = manager.get("/imports/customers/template.csv").content
    page = upload(manager, "customers", template)
    assert 'data-testid="dry-run"' in page.text


def test_upload_shows_the_dry_run_then_import_writes(manager):
    content = csv_file(["code", "name", "email"], ["P-1", "Page AG", "p@example.com"])
    page = upload(manager, "customers", content)
    assert page.status_code == 200
    assert 'data-testid="created">1<' in page.text
    assert not Customer.objects.filter(code="P-1").exists()
    batch = ImportBatch.objects.get()
    assert batch.status == "checked"
    done = manager.post(f"/imports/customers/{batch.pk}/import/", follow=True)
    assert 'data-testid="imported"' in done.text
    assert Customer.objects.filter(code="P-1").exists()
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.events.count() == 3  # checked, importing, imported


def test_errors_are_listed_by_row_and_field_and_import_is_refused(manager):
    content = csv_file(["code", "name", "email"], ["E-1", "Err", "bad"], ["E-2", "", "e@example.com"])
    page = upload(manager, "customers", content)
    assert page.text.count('data-testid="error-row"') == 2
    assert "enter a valid e-mail address" in page.text and "required for a new customer" in page.text
    assert 'data-testid="import-button"' not in page.text
    batch = ImportBatch.objects.get()
    refused = manager.post(f"/imports/customers/{batch.pk}/import/", follow=True)
    assert "only a checked import without errors" in refused.text
    assert not Customer.objects.filter(code__startswith="E-").exists()


def test_an_unreadable_file_is_named_on_the_form(manager):
    page = upload(manager, "customers", b"PK\x03\x04garbage", name="x.xlsx")
    assert 'data-testid="file-error"' in page.text and "cannot be read" in page.text
    assert not ImportBatch.objects.exists()


def test_a_long_file_runs_in_the_task_and_shows_its_progress(
    manager, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 10)
    seen: list[int] = []
    progress = services.import_batch_progress

    def spy(*, batch_id, done):
        seen.append(done)
        progress(batch_id=batch_id, done=done)

    monkeypatch.setattr(services, "import_batch_progress", spy)
    monkeypatch.setattr("imports.kinds.base.PROGRESS_EVERY", 5)
    rows = [[f"L-{n}", f"Long {n}", f"l{n}@example.com"] for n in range(1, 31)]
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued on commit
        page = upload(manager, "customers", csv_file(["code", "name", "email"], *rows))
    page = manager.get(page.redirect_chain[-1][0])
    batch = ImportBatch.objects.get()
    assert batch.status == "checked" and batch.created == 30  # the eager task ran the dry run
    assert seen[:6] == [5, 10, 15, 20, 25, 30]
    assert 'data-testid="dry-run"' in page.text

    manager.post(f"/imports/customers/{batch.pk}/import/")
    batch.refresh_from_db()
    assert batch.status == "imported" and Customer.objects.filter(code__startswith="L-").count() == 30
    poll = manager.get(f"/imports/customers/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and poll["HX-Refresh"] == "true"
    assert "30 of 30 rows" in poll.text


def test_the_progress_bar_polls_while_the_batch_runs(manager):
    batch = services.import_batch_create(
        kind="customers",
        content=csv_file(["code", "name", "email"], ["Q-1", "Q", "q@example.com"]),
        filename="q.csv",
        by=None,
    )
    services.import_batch_progress(batch_id=batch.pk, done=0)
    page = manager.get(f"/imports/customers/{batch.pk}/")
    assert 'data-testid="progress"' in page.text and "every 1s" in page.text
    poll = manager.get(f"/imports/customers/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in poll and "0 of 1 rows" in poll.text


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [
        ("finance", "open-invoices", 200),
        ("finance", "customers", 403),
        ("finance", "stock", 403),
        ("sales", "open-invoices", 403),
        ("warehouse", "stock", 403),
        ("manager", "products", 200),
    ],
)
def test_roles(client, make_user, role, kind, status):
    client.force_login(make_user(role))
    assert client.get(f"/imports/{kind}/").status_code == status
    assert client.get(f"/imports/{kind}/template.csv").status_code == status


def test_finance_imports_open_invoices_through_the_pages(client, make_user):
    a_customer(code="C-1")
    client.force_login(make_user("finance"))
    index = client.get("/imports/")
    assert index.status_code == 200 and "/imports/customers/template.csv" not in index.text
    content = csv_file(
        ["number", "customer", "issue_date", "amount"], ["OLD-1", "C-1", "2026-01-10", "42.00"]
    )
    upload(client, "open-invoices", content)
    batch = ImportBatch.objects.get()
    client.post(f"/imports/open-invoices/{batch.pk}/import/")
    assert Invoice.objects.get(previous_number="OLD-1").balance == 42
    detail = client.get(f"/invoices/{Invoice.objects.get().pk}/")
    assert detail.status_code == 200 and 'data-testid="previous-number">OLD-1<' in detail.text
