"""The finance pages: a customer's mandates (made, refused with the field's message, revoked),
their CSV, a run made from the page with its collections and its file; other roles refused;
the mandates list costs the same number of queries for 2 mandates as for 8."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from receivables.directdebit.sepa_file import pain008_validate
from receivables.directdebit.tests.builders import IBANS, a_customer_with_mandate
from receivables.models import DirectDebitRun, Mandate
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client, make_user):
    client.force_login(make_user("finance"))
    return client


def test_a_customers_mandate_made_refused_and_revoked(finance):
    customer = a_customer(payment_terms_days=0)
    page = finance.get(f"/customers/{customer.pk}/")
    assert f"/cash/mandates/?customer={customer.pk}" in page.content.decode()
    listed = finance.get("/cash/mandates/", {"customer": customer.pk})
    assert listed.status_code == 200 and customer.code in listed.content.decode()
    form = {
        "customer": customer.code,
        "reference": "M-PAGE-1",
        "iban": "DE02 1203 0000 0000 2020 52",  # a wrong check digit
        "signed_on": timezone.localdate().isoformat(),
        "scheme": "CORE",
    }
    refused = finance.post("/cash/mandates/", form)
    assert refused.status_code == 400 and "check digits do not match" in refused.content.decode()
    assert not Mandate.objects.exists()
    made = finance.post("/cash/mandates/", {**form, "iban": IBANS[0]}, follow=True)
    assert made.status_code == 200 and "M-PAGE-1" in made.content.decode()
    mandate = Mandate.objects.get()
    assert mandate.iban == IBANS[0] and mandate.bic == "BYLADEM1001"
    finance.post(f"/cash/mandates/{mandate.pk}/revoke/", {"reason": "the customer closed the account"})
    mandate.refresh_from_db()
    assert mandate.status == "revoked" and mandate.revoke_reason == "the customer closed the account"


def test_the_mandates_csv(finance):
    _, mandate = a_customer_with_mandate()
    response = finance.get("/cash/mandates/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["reference", "customer_code", "customer_name"]
    assert rows[1][0] == mandate.reference and rows[1][4] == mandate.iban and rows[1][8] == "active"


def test_the_mandates_list_costs_the_same_for_more_rows(finance):
    for iban in IBANS[:2]:
        a_customer_with_mandate(iban)
    with CaptureQueriesContext(connection) as few:
        finance.get("/cash/mandates/")
    for _ in range(6):
        a_customer_with_mandate(IBANS[2])
    with CaptureQueriesContext(connection) as more:
        assert finance.get("/cash/mandates/").status_code == 200
    assert len(more) == len(few)


def test_a_run_from_the_page(finance):
    customer, _ = a_customer_with_mandate()
    invoice = an_invoice(customer, "12.34")
    today = timezone.localdate().isoformat()
    refused = finance.post(
        "/cash/direct-debits/", {"due_by": today, "collection_date": "2000-01-01", "scheme": "CORE"}
    )
    assert refused.status_code == 400 and "today or later" in refused.content.decode()
    made = finance.post(
        "/cash/direct-debits/", {"due_by": today, "collection_date": today, "scheme": "CORE"}, follow=True
    )
    run = DirectDebitRun.objects.get()
    body = made.content.decode()
    assert run.number in body and invoice.number in body and "collection pending" in body
    file = finance.get(f"/cash/direct-debits/{run.pk}/file/")
    pain008_validate(file.content)
    assert finance.get("/cash/direct-debits/").status_code == 200
    assert finance.get("/cash/direct-debits/", {"export": "csv"}).status_code == 200


def test_other_roles_are_refused(client, make_user):
    client.force_login(make_user("sales"))
    assert client.get("/cash/mandates/").status_code == 403
    assert client.get("/cash/direct-debits/").status_code == 403
