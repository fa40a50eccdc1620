"""The conventions of API.md: tokens, roles, pagination, errors naming the field, the schema."""

from datetime import date
from decimal import Decimal

import pytest
import yaml
from rest_framework.test import APIClient

from ledger import services
from ledger.services import LineSpec

pytestmark = pytest.mark.django_db


def test_token_from_username_and_password(make_user):
    user = make_user("finance")
    user.set_password("s3cret-enough")
    user.save()
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "s3cret-enough"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/ledger/trial-balance/").status_code == 200


def test_bad_credentials_are_a_400_not_a_token(make_user):
    make_user("finance")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "finance-user", "password": "x"}, format="json"
    )
    assert response.status_code == 400 and "token" not in response.json()


def test_missing_or_bad_token_is_401():
    assert APIClient().get("/api/v1/ledger/trial-balance/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/ledger/trial-balance/").status_code == 401


@pytest.mark.parametrize(
    ("role", "status"), [("sales", 403), ("warehouse", 403), ("finance", 200), ("manager", 200)]
)
def test_ledger_is_for_finance_and_managers(api_client_for, role, status):
    assert api_client_for(role).get("/api/v1/ledger/trial-balance/").status_code == status


def test_trial_balance_shape(api_client_for):
    services.journal_entry_post(
        entry_date=date(2026, 11, 1),
        memo="cash sale",
        lines=[
            LineSpec(account="bank", debit=Decimal("10.00")),
            LineSpec(account="revenue", credit=Decimal("10.00")),
        ],
    )
    body = api_client_for("finance").get("/api/v1/ledger/trial-balance/?as_of=2026-11-30").json()
    assert body["total_debit"] == body["total_credit"] == "10.00"
    bank = next(row for row in body["accounts"] if row["code"] == "1000")
    assert bank == {
        "code": "1000",
        "name": "Bank",
        "type": "asset",
        "debit": "10.00",
        "credit": "0.00",
        "balance": "10.00",
    }


def test_bad_query_input_is_a_400_naming_the_field(api_client_for):
    client = api_client_for("finance")
    response = client.get("/api/v1/ledger/trial-balance/?as_of=31/11/2026")
    assert response.status_code == 400 and "as_of" in response.json()
    response = client.get("/api/v1/ledger/entries/?from=yesterday")
    assert response.status_code == 400 and "from" in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"memo": "x", "lines": []}, "date"),
        ({"date": "2026-11-01", "memo": "x", "lines": []}, "lines"),
        ({"date": "2026-11-01", "memo": "x", "lines": [{"account": "bank", "debit": "1e400"}]}, "lines"),
        ({"date": "2026-11-01", "memo": "x", "lines": [{"account": "bank", "debit": "12,50"}]}, "lines"),
        ({"date": "2026-13-01", "memo": "x", "lines": [{"account": "bank", "debit": "1"}]}, "date"),
        (
            {
                "date": "2026-11-01",
                "memo": "x",
                "lines": [{"account": "bank", "debit": "1"}, {"account": "nope", "credit": "1"}],
            },
            "lines",
        ),
        (
            {
                "date": "2026-11-01",
                "memo": "x",
                "lines": [{"account": "bank", "debit": "1"}, {"account": "revenue", "credit": "2"}],
            },
            "lines",
        ),
        ({"date": "2026-11-01", "memo": "x", "lines": [{"account": "bank", "debit": "-5"}]}, "lines"),
    ],
)
def test_bad_body_is_a_400_naming_the_field_and_writes_nothing(api_client_for, body, field):
    from ledger.models import JournalEntry

    response = api_client_for("finance").post("/api/v1/ledger/entries/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert JournalEntry.objects.count() == 0


def test_malformed_json_is_a_400(api_client_for):
    response = api_client_for("finance").post(
        "/api/v1/ledger/entries/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "detail" in response.json()


def test_lists_are_paginated_as_the_contract_says(api_client_for):
    for day in range(1, 8):
        services.journal_entry_post(
            entry_date=date(2026, 11, day),
            memo=f"day {day}",
            lines=[
                LineSpec(account="bank", debit=Decimal("1.00")),
                LineSpec(account="revenue", credit=Decimal("1.00")),
            ],
        )
    client = api_client_for("finance")
    page = client.get("/api/v1/ledger/entries/?page_size=3&page=2").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 7 and len(page["results"]) == 3
    assert page["results"][0]["lines"][0]["account"] in {"1000", "4000"}
    assert client.get("/api/v1/ledger/entries/?page_size=100000").status_code == 200
    assert client.get("/api/v1/ledger/entries/?page=99").status_code == 404


def test_journal_list_runs_a_bounded_number_of_queries(api_client_for, django_assert_max_num_queries):
    client = api_client_for("finance")
    for day in range(1, 21):
        services.journal_entry_post(
            entry_date=date(2026, 11, day),
            memo="x",
            lines=[
                LineSpec(account="bank", debit=Decimal("1.00")),
                LineSpec(account="revenue", credit=Decimal("1.00")),
            ],
        )
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/ledger/entries/?page_size=20").status_code == 200


def test_csv_format(api_client_for):
    response = api_client_for("finance").get("/api/v1/ledger/trial-balance/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0] == "code,name,type,debit,credit,balance"


def test_reverse_an_entry_through_the_api(api_client_for):
    client = api_client_for("finance")
    created = client.post(
        "/api/v1/ledger/entries/",
        {
            "date": "2026-11-01",
            "memo": "oops",
            "lines": [{"account": "bank", "debit": "5.00"}, {"account": "revenue", "credit": "5.00"}],
        },
        format="json",
    ).json()
    reversed_ = client.post(
        f"/api/v1/ledger/entries/{created['id']}/reverse/", {"reason": "typo"}, format="json"
    )
    assert reversed_.status_code == 201 and reversed_.json()["reversal_of"] == created["id"]
    again = client.post(f"/api/v1/ledger/entries/{created['id']}/reverse/", {"reason": "typo"}, format="json")
    assert again.status_code == 409 and "detail" in again.json()
    assert (
        client.post("/api/v1/ledger/entries/999999/reverse/", {"reason": "x"}, format="json").status_code
        == 404
    )


def test_schema_is_openapi_3_and_the_docs_use_local_assets(client, make_user):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/ledger/trial-balance/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_schema_validates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
