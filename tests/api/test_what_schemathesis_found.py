"""What schemathesis, with every check on, found in the code (decision 0043): each as a named test."""

from __future__ import annotations

import pytest

from tests import builders
from tests.errors import error_code


@pytest.fixture
def manager(api_client_for):
    return api_client_for("manager")


def test_a_path_that_names_nothing_under_the_api_answers_json(manager):
    response = manager.get("/api/v1/orders/-5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("value", ["ten", "0", "-3", "1.5", "null", "٣"])
def test_a_page_size_that_is_not_a_whole_number_from_one_is_refused(manager, value):
    for path in ("/api/v1/customers/", "/api/v1/ledger/entries/?format=csv"):
        separator = "&" if "?" in path else "?"
        response = manager.get(f"{path}{separator}page_size={value}")
        assert response.status_code == 400, (path, value)
        assert "page_size" in response.json()


def test_a_page_size_over_500_still_reads_as_500_and_empty_as_the_default(manager):
    assert manager.get("/api/v1/customers/?page_size=100000").status_code == 200
    assert manager.get("/api/v1/customers/?page_size=").status_code == 200


@pytest.mark.parametrize("value", ["no", "null", "1", "True"])
def test_a_yes_no_filter_reads_true_or_false_only(manager, value):
    response = manager.get(f"/api/v1/customers/?blocked={value}")
    assert response.status_code == 400 and "blocked" in response.json()
    assert manager.get("/api/v1/customers/?blocked=true").status_code == 200
    assert manager.get("/api/v1/customers/?blocked=").status_code == 200


def test_a_filter_by_a_related_id_that_does_not_exist_says_so(manager):
    response = manager.get("/api/v1/invoices/?order=999999")
    assert response.status_code == 400
    assert error_code(response) == "does_not_exist" and "order" in response.json()


def test_a_number_is_not_text(manager):
    response = manager.post(
        "/api/v1/customers/",
        {"code": "C-NUM", "name": "Numbers", "email": "n@example.com", "billing_address": 180213},
        format="json",
    )
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert "billing_address" in response.json()


def test_the_backorder_total_is_zero_not_null_when_nothing_waits(api_client_for):
    body = api_client_for("finance").get("/api/v1/reports/fulfilment/").json()
    assert body["backorders"] == []
    assert body["backorder_total"]["quantity"] == "0.000"
    assert body["backorder_total"]["value"] == "0.00"


def test_a_system_posted_entry_answers_a_null_posted_by_as_its_schema_says(api_client_for):
    from drf_spectacular.generators import SchemaGenerator

    customer = builders.a_customer(credit_limit="100000.00")
    builders.an_invoice(customer, "120.00")  # posted by the pipeline, no user
    entries = api_client_for("finance").get("/api/v1/ledger/entries/").json()["results"]
    assert None in {entry["posted_by"] for entry in entries}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["JournalEntryOut"]["properties"]["posted_by"]["nullable"] is True
