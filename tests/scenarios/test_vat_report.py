"""The VAT report (decision 0057) on two rates, a credit note and a cash discount, worked by hand.

Two invoices of tests/scenarios/test_cash_discounts.py's lines (3 × 33.33 at 19 %, 1 × 12.50 at
7 %: net 112.49, tax 19.88 each), the first paid in time (discount 2.00 + 0.38 at 19 %, 0.25 +
0.02 at 7 %), the second credited for one of its three 33.33 (net 33.33, tax 19.00 / 3 = 6.33):
  19 %: invoices 199.98 / 38.00 (2), credit notes 33.33 / 6.33 (1), discounts 2.00 / 0.38 (1)
        → net 164.65, tax 31.29
   7 %: invoices  25.00 /  1.76 (2), discounts 0.25 / 0.02 (1) → net 24.75, tax 1.74
  Output tax 33.03 = the VAT payable account's movements in the period: difference 0.00.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.services import CreditLineInput
from o2c import pipeline
from reporting.vat import vat_report
from tests.books import assert_books_in_step
from tests.builders import a_customer
from tests.scenarios.discounts import two_rate_invoice as _invoice

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def history():
    customer = a_customer(credit_limit="10000.00", discount_percent="2.00", discount_days=10)
    first = _invoice(customer, days_ago=20)
    pipeline.payment_record(
        customer_id=customer.pk, amount="129.72", received_on=first.issue_date + timedelta(days=4)
    )
    second = _invoice(customer, days_ago=20)
    line = second.lines.get(tax_rate=D("19.00"))
    pipeline.credit_note_issue(
        invoice_id=second.pk, reason="one short", lines=[CreditLineInput(line.pk, quantity=D("1"))], by=None
    )
    assert_books_in_step()
    return first.issue_date


def test_the_vat_report_by_rate_reconciles_with_the_ledger(history):
    report = vat_report(date_from=history, date_to=timezone.localdate())
    high, low = report.rates
    assert high.tax_rate == D("19.00")
    assert (high.invoices.net, high.invoices.tax, high.invoices.documents) == (D("199.98"), D("38.00"), 2)
    assert (high.credit_notes.net, high.credit_notes.tax, high.credit_notes.documents) == (
        D("33.33"),
        D("6.33"),
        1,
    )
    assert (high.discounts.net, high.discounts.tax) == (D("2.00"), D("0.38"))
    assert (high.net, high.tax) == (D("164.65"), D("31.29"))
    assert low.tax_rate == D("7.00")
    assert (low.invoices.net, low.invoices.tax, low.credit_notes.tax) == (D("25.00"), D("1.76"), D("0"))
    assert (low.discounts.net, low.discounts.tax, low.net, low.tax) == (
        D("0.25"),
        D("0.02"),
        D("24.75"),
        D("1.74"),
    )
    assert report.total.tax == D("33.03")
    assert report.total.invoices.documents == 2  # the invoices, not invoice × rate
    assert (report.ledger_output_tax, report.difference) == (D("33.03"), D("0.00"))
    # Before the period: nothing.
    empty = vat_report(date_from=history - timedelta(days=30), date_to=history - timedelta(days=1))
    assert (empty.rates, empty.total.tax, empty.difference) == ([], D("0.00"), D("0.00"))


def test_the_vat_api_page_and_exports(history, api_client_for, client, make_user):
    finance = api_client_for("finance")
    today = timezone.localdate().isoformat()
    body = finance.get(f"/api/v1/reports/vat/?from={history.isoformat()}&to={today}").json()
    assert (body["from"], body["to"]) == (history.isoformat(), today)
    assert [row["tax_rate"] for row in body["rates"]] == ["19.00", "7.00"]
    assert body["rates"][0]["credit_notes"] == {"net": "33.33", "tax": "6.33", "documents": 1}
    assert (body["total"]["tax"], body["ledger_output_tax"], body["difference"]) == ("33.03", "33.03", "0.00")
    csv_body = b"".join(finance.get(f"/api/v1/reports/vat/?from={history}&format=csv").streaming_content)
    assert csv_body.decode().splitlines()[-1] == "difference,,,,,,,,,,0.00"
    # Bad input: a 400 naming the field, never a 500; other roles: 403.
    assert "from" in finance.get("/api/v1/reports/vat/?from=2026-13-01").json()
    assert "from" in finance.get(f"/api/v1/reports/vat/?from={today}&to={history}").json()
    assert "to" in finance.get("/api/v1/reports/vat/?to=yesterday").json()
    assert finance.get("/api/v1/reports/vat/?from=0001-01-01").status_code == 400
    assert api_client_for("sales", "sales-user").get("/api/v1/reports/vat/").status_code == 403
    client.force_login(make_user("finance", "finance-page"))
    page = client.get(f"/reports/vat/?from={history}")
    assert page.status_code == 200 and b'data-testid="vat-difference">0.00<' in page.content
    assert client.get(f"/reports/vat/?from={today}&to={history}").status_code == 400
    xlsx = client.get(f"/reports/vat/?from={history}&export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
