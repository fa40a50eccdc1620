"""`POST /api/v1/imports/{kind}/`: the contract's body, roles (403), and 400s with codes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Customer
from imports.tests.files import csv_file
from invoicing.models import Invoice
from tests.builders import a_customer

pytestmark = pytest.mark.django_db

CUSTOMERS = csv_file(["code", "name", "email"], ["A-1", "Alpha", "a@example.com"])
OPEN = csv_file(["number", "customer", "issue_date", "amount"], ["OLD-1", "C-1", "2026-01-10", "42.00"])


def upload(content: bytes, name: str = "file.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def post(client, kind: str, content: bytes | None, **data):
    body = dict(data)
    if content is not None:
        body["file"] = upload(content)
    return client.post(f"/api/v1/imports/{kind}/", body, format="multipart")


def test_a_dry_run_by_default_then_the_real_run(api_client_for):
    client = api_client_for("manager")
    response = post(client, "customers", CUSTOMERS)
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 1, "created": 1, "updated": 0, "errors": []}
    assert not Customer.objects.filter(code="A-1").exists()
    response = post(client, "customers", CUSTOMERS, dry_run="false")
    assert response.json() == {"rows": 1, "created": 1, "updated": 0, "errors": []}
    assert Customer.objects.filter(code="A-1").exists()


def test_errors_come_back_by_row_and_field_with_a_200(api_client_for):
    content = csv_file(["code", "name", "email"], ["A-1", "Alpha", "nope"])
    response = post(api_client_for("manager"), "customers", content, dry_run="false")
    assert response.status_code == 200
    assert response.json() == {
        "rows": 1,
        "created": 0,
        "updated": 0,
        "errors": [{"row": 2, "field": "email", "message": "enter a valid e-mail address"}],
    }
    assert not Customer.objects.filter(code="A-1").exists()


@pytest.mark.parametrize(
    ("role", "kind", "allowed"),
    [
        ("manager", "customers", True),
        ("manager", "products", True),
        ("manager", "stock", True),
        ("manager", "open-invoices", True),
        ("admin", "customers", True),
        ("finance", "open-invoices", True),
        ("finance", "customers", False),
        ("finance", "stock", False),
        ("sales", "customers", False),
        ("sales", "open-invoices", False),
        ("warehouse", "stock", False),
        ("warehouse", "open-invoices", False),
    ],
)
def test_roles(api_client_for, role, kind, allowed):
    a_customer(code="C-1")
    content = OPEN if kind == "open-invoices" else CUSTOMERS
    response = post(api_client_for(role), kind, content, dry_run="false")
    assert response.status_code == (200 if allowed else 403), response.content
    if not allowed:
        assert response.json()["code"] == "permission_denied"
        assert not Customer.objects.filter(code="A-1").exists() and not Invoice.objects.exists()


def test_unauthenticated_is_401():
    from rest_framework.test import APIClient

    assert post(APIClient(), "customers", CUSTOMERS).status_code == 401


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (None, "", "missing_file"),
        (b"", "empty.csv", "empty_import_file"),
        (b"code,name,email\r\n", "header-only.csv", "empty_import_file"),
        (b"PK\x03\x04 not really a workbook", "customers.xlsx", "unreadable_file"),
        (b"just text", "customers.xlsx", "unreadable_file"),
        (bytes(range(256)) * 40, "binary.csv", "unreadable_file"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_400_naming_the_file(api_client_for, content, name, code):
    client = api_client_for("manager")
    body = {} if content is None else {"file": SimpleUploadedFile(name, content)}
    response = client.post("/api/v1/imports/customers/", body, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert "file" in response.json()


def test_an_unknown_kind_is_a_400(api_client_for):
    response = post(api_client_for("manager"), "suppliers", CUSTOMERS)
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_import_kind"


def test_the_schema_documents_the_operation(api_client_for):
    schema = api_client_for("manager").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/imports/{kind}/"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert set(operation["responses"]) >= {"200", "400", "403"}
