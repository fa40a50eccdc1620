"""`payment_terms` on the customer API (API.md; decision 0056): net days and the cash discount,
`net_days` one figure with `payment_terms_days`; bad terms are 400s naming the field."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/"
BASE = {"code": "SKONTO", "name": "Skonto GmbH", "email": "ap@skonto.example"}


def test_terms_in_and_out(api_client_for):
    client = api_client_for("finance")
    terms = {"net_days": 30, "discount_percent": "2.00", "discount_days": 10}
    body = client.post(URL, {**BASE, "payment_terms": terms}, format="json").json()
    assert body["payment_terms"] == terms and body["payment_terms_days"] == 30
    patched = client.patch(f"{URL}{body['id']}/", {"payment_terms": {"net_days": 45}}, format="json").json()
    assert patched["payment_terms"] == {"net_days": 45, "discount_percent": "2.00", "discount_days": 10}
    plain = client.patch(f"{URL}{body['id']}/", {"payment_terms_days": 14}, format="json").json()
    assert plain["payment_terms"]["net_days"] == 14


@pytest.mark.parametrize(
    ("terms", "extra", "field"),
    [
        ({"discount_percent": "2.00", "discount_days": 40}, {}, "discount_days"),  # beyond net 30
        ({"discount_percent": "2.00", "discount_days": 0}, {}, "discount_days"),
        ({"discount_percent": "60.00", "discount_days": 10}, {}, "discount_percent"),
        ({"discount_percent": "100.01", "discount_days": 10}, {}, "payment_terms"),
        ({"discount_percent": "abc"}, {}, "payment_terms"),
        ({"discount_percent": "2.001"}, {}, "payment_terms"),
        ({"net_days": 30}, {"payment_terms_days": 20}, "payment_terms"),
        ("2/10 net 30", {}, "payment_terms"),
    ],
)
def test_bad_terms_are_a_400_naming_the_field(api_client_for, terms, extra, field):
    response = api_client_for("finance").post(URL, {**BASE, **extra, "payment_terms": terms}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    if field != "payment_terms" or extra:  # schema-valid, refused by the terms' own rule: its own code
        assert response.json()["code"] in (
            "discount_period_invalid",
            "discount_percent_too_high",
            "payment_terms_conflict",
        )


def test_the_invoice_shows_its_discount(api_client_for):
    from tests.builders import a_customer
    from tests.scenarios.discounts import two_rate_invoice

    customer = a_customer(credit_limit="1000.00", discount_percent="2.00", discount_days=10)
    invoice = two_rate_invoice(customer, days_ago=0)
    body = api_client_for("finance").get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (body["discount_percent"], body["discount_amount"], body["amount_discounted"]) == (
        "2.00",
        "2.65",
        "0.00",
    )
    assert body["discount_due_date"] == invoice.discount_due_date.isoformat()
    assert body["discount_note"] == ""
