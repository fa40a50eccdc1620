"""The API of mandates and runs (API.md "Collections"): create, list, revoke, a run with its
file; odd input is a 400 naming the field and writes nothing; other roles get 403; a replayed
Idempotency-Key makes no second run."""

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree

from receivables.directdebit.sepa_file import pain008_validate
from receivables.models import DirectDebitRun, Mandate
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client_for):
    return api_client_for("finance")


def mandate_body(who, **changes):
    return {
        "customer": who.pk,
        "reference": f"M-{who.code}",
        "iban": "de02 1203 0000 0000 2020 51",
        "signed_on": timezone.localdate().isoformat(),
        **changes,
    }


def test_mandate_create_list_revoke(api):
    customer = a_customer(payment_terms_days=0)
    response = api.post("/api/v1/mandates/", mandate_body(customer), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["iban"] == "DE02120300000000202051" and body["bic"] == "BYLADEM1001"
    assert body["sequence"] == "FRST" and body["status"] == "active" and body["scheme"] == "CORE"
    listed = api.get("/api/v1/mandates/", {"customer": customer.pk}).json()
    assert [m["reference"] for m in listed["results"]] == [f"M-{customer.code}"]
    revoked = api.post(f"/api/v1/mandates/{body['id']}/revoke/", {"reason": "withdrawn"}, format="json")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = api.post(f"/api/v1/mandates/{body['id']}/revoke/", {"reason": "again"}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"iban": "DE02120300000000202052"}, "iban"),  # checksum
        ({"iban": "DE0212030000000020205"}, "iban"),  # length
        ({"iban": "DE02\x00120300000000202051"}, "iban"),  # NUL
        ({"iban": "DE02１２0300000000202051"}, "iban"),  # Unicode digits
        ({"iban": 1234}, "iban"),  # a number
        ({"bic": "BKAUATWW"}, "bic"),  # another country's bank
        ({"reference": "M//1"}, "reference"),
        ({"reference": "M\x001"}, "reference"),
        ({"signed_on": "9999-12-31"}, "signed_on"),
        ({"signed_on": "0001-01-01"}, "signed_on"),
        ({"signed_on": "２０２６-01-01"}, "signed_on"),
        ({"customer": "１"}, "customer"),
        ({"customer": 10**12}, "customer"),
        ({"scheme": "COR1"}, "scheme"),
    ],
)
def test_odd_mandate_input_is_a_400_naming_the_field(api, changes, field):
    customer = a_customer(payment_terms_days=0)
    response = api.post("/api/v1/mandates/", mandate_body(customer, **changes), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body or (
        any("\x00" in str(v) for v in changes.values()) and body["code"] == "parse_error"
    ), body  # JSON refuses NUL
    assert not Mandate.objects.exists()


def test_a_run_with_its_file_and_a_replayed_key(api):
    customer = a_customer(payment_terms_days=0)
    api.post("/api/v1/mandates/", mandate_body(customer), format="json")
    invoice = an_invoice(customer, "42.00")
    today = timezone.localdate()
    body = {"due_by": today.isoformat(), "collection_date": (today + timedelta(days=1)).isoformat()}
    response = api.post("/api/v1/direct-debits/runs/", body, format="json", HTTP_IDEMPOTENCY_KEY="run-1")
    assert response.status_code == 201, response.json()
    run = response.json()
    assert run["total"] == "42.00" and run["items_count"] == 1
    (item,) = run["items"]
    assert (
        item["invoice_number"] == invoice.number
        and item["status"] == "pending"
        and item["sequence"] == "FRST"
    )
    replay = api.post("/api/v1/direct-debits/runs/", body, format="json", HTTP_IDEMPOTENCY_KEY="run-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert DirectDebitRun.objects.count() == 1
    again = api.post("/api/v1/direct-debits/runs/", body, format="json")
    assert again.status_code == 400 and "due_by" in again.json()  # nothing left to collect
    file = api.get(run["file_url"])
    assert file.status_code == 200 and file["Content-Type"] == "application/xml"
    assert f"{run['number']}.xml" in file["Content-Disposition"]
    pain008_validate(file.content)
    assert etree.fromstring(file.content).tag.endswith("Document")
    assert api.get(f"/api/v1/direct-debits/runs/{run['id']}/").json()["number"] == run["number"]


@pytest.mark.parametrize(
    "body",
    [
        {"due_by": "9999-12-31", "collection_date": "9999-12-31"},
        {"due_by": "2026-01-01", "collection_date": "2000-01-01"},
        {"due_by": "x", "collection_date": "2026-01-01"},
        {"due_by": "2026-01-01"},
        {"due_by": "2026-01-01", "collection_date": "2026-01-01", "scheme": "\x00"},
    ],
)
def test_odd_run_input_is_a_400(api, body):
    response = api.post("/api/v1/direct-debits/runs/", body, format="json")
    assert response.status_code == 400, response.content
    assert not DirectDebitRun.objects.exists()


def test_other_roles_are_refused(api_client_for):
    sales = api_client_for("sales")
    assert sales.get("/api/v1/mandates/").status_code == 403
    assert sales.post("/api/v1/direct-debits/runs/", {}, format="json").status_code == 403
