"""Scenario: 2 % within 10 days, net 30, on an invoice at two tax rates (decision 0056).

Worked by hand. The customer buys 3 × 33.33 at 19 % and 1 × 12.50 at 7 %:
  19 %: net 99.99, tax 18.9981 → 19.00, gross 118.99; 7 %: net 12.50, tax 0.875 → 0.88, gross 13.38.
  Invoice: net 112.49, tax 19.88, total 132.37.
  Discount per rate, 2 % of the gross, rounded half-up; its net is gross × 100 / (100 + rate):
    19 %: 118.99 × 2 % = 2.3798 → 2.38; net 2.38 × 100 / 119 = 2.0000 → 2.00; tax 0.38
     7 %:  13.38 × 2 % = 0.2676 → 0.27; net 0.27 × 100 / 107 = 0.2523 → 0.25; tax 0.02
  Discount 2.65 (net 2.25, tax 0.40); paid in time: 132.37 − 2.65 = 129.72.
After every step: trial balance balanced, receivables = open items (tests/books.py).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.services import invoices_flag_overdue
from ledger.selectors import account_balance
from o2c import pipeline
from receivables.cash.services import AllocationInput
from receivables.models import CashDiscount, ReceivableEntry
from receivables.statements.selectors import statement_get
from tests.books import assert_books_in_step
from tests.builders import a_customer
from tests.scenarios.discounts import two_rate_invoice as _invoice

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def customer():
    return a_customer(
        credit_limit="10000.00", payment_terms_days=30, discount_percent="2.00", discount_days=10
    )


def test_invoice_copies_the_terms_with_the_discount_per_rate(customer):
    invoice = _invoice(customer, days_ago=0)
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (D("112.49"), D("19.88"), D("132.37"))
    assert invoice.discount_percent == D("2.00")
    assert invoice.discount_amount == D("2.65")
    assert invoice.discount_due_date == invoice.issue_date + timedelta(days=10)
    assert invoice.due_date == invoice.issue_date + timedelta(days=30)  # dunning keeps the net date


def test_a_payment_in_time_settles_with_the_discount_and_the_tax_reduced_per_rate(customer):
    invoice = _invoice(customer, days_ago=20)
    vat_before, receivables_before = account_balance(key="vat_payable"), account_balance(key="receivables")
    payment = pipeline.payment_record(
        customer_id=customer.pk,
        amount="129.72",
        reference=invoice.number,
        received_on=invoice.issue_date + timedelta(days=10),  # the last day of the period
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("paid", D("0.00"))
    assert (invoice.amount_paid, invoice.amount_discounted) == (D("129.72"), D("2.65"))
    assert payment.unapplied_amount == D("0.00")
    assert invoice.order.payment_status == "paid"
    rows = {r.tax_rate: (r.net_amount, r.tax_amount) for r in CashDiscount.objects.filter(invoice=invoice)}
    assert rows == {D("7.00"): (D("0.25"), D("0.02")), D("19.00"): (D("2.00"), D("0.38"))}
    assert account_balance(key="sales_discounts") == D("2.25")  # a debit: it reduces revenue
    assert vat_before - account_balance(key="vat_payable") == D("-0.40")  # the liability fell 0.40
    assert receivables_before - account_balance(key="receivables") == D("132.37")
    kinds = list(ReceivableEntry.objects.filter(invoice=invoice).values_list("kind", "amount"))
    assert ("cash_discount", D("-2.65")) in kinds
    assert_books_in_step()
    _statement_in_step(customer, invoice, D("0.00"))

    pipeline.payment_reverse(payment_id=payment.pk, reason="bounced")  # the discount goes with it
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_discounted) == ("open", D("132.37"), D("0.00"))
    assert account_balance(key="sales_discounts") == D("0.00")
    assert CashDiscount.objects.filter(invoice=invoice, reversed_on__isnull=True).count() == 0
    assert_books_in_step()
    _statement_in_step(customer, invoice, D("132.37"))


def _statement_in_step(customer, invoice, closing):
    """The statement's movements (the discount is one) run from the opening to the closing
    balance, which is what the customer owes: the open items."""
    statement = statement_get(
        customer=customer, period_from=invoice.issue_date, period_to=timezone.localdate()
    )
    assert statement.closing_balance == closing
    assert statement.movements[-1].balance == closing
    assert any(m.kind == "cash_discount" for m in statement.movements)


def test_a_late_payment_that_deducted_the_discount_leaves_it_open_and_says_why(customer):
    invoice = _invoice(customer, days_ago=20)
    paid_on = invoice.issue_date + timedelta(days=11)
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="129.72",
        received_on=paid_on,
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("129.72"))],
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_discounted) == (
        "partially_paid",
        D("2.65"),
        D("0"),
    )
    assert invoice.discount_note == (
        f"discount not granted: paid on {paid_on.isoformat()} after discount date "
        f"{invoice.discount_due_date.isoformat()}"
    )
    assert not CashDiscount.objects.exists()
    assert_books_in_step()
    # Overdue and dunning go by the net due date: the day after the discount date it is not overdue.
    assert invoices_flag_overdue(today=invoice.discount_due_date + timedelta(days=1)) == 0
    assert invoices_flag_overdue(today=invoice.due_date + timedelta(days=1)) == 1


def test_a_partial_payment_in_the_period_earns_the_discount_only_with_the_rest(customer):
    invoice = _invoice(customer, days_ago=20)
    issued = invoice.issue_date
    pipeline.payment_record(customer_id=customer.pk, amount="60.00", received_on=issued + timedelta(days=3))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_discounted) == (
        "partially_paid",
        D("72.37"),
        D("0"),
    )
    assert_books_in_step()
    # The proposal (no allocations given) takes the balance less the discount within the period.
    second = pipeline.payment_record(
        customer_id=customer.pk, amount="70.00", received_on=issued + timedelta(days=8)
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_discounted) == ("paid", D("0.00"), D("2.65"))
    assert second.unapplied_amount == D("0.28")  # 70.00 − (72.37 − 2.65)
    assert_books_in_step()


def test_paying_the_full_amount_in_time_by_hand_takes_no_discount(customer):
    invoice = _invoice(customer, days_ago=5)
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="132.37",
        received_on=invoice.issue_date + timedelta(days=2),
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("132.37"))],
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_discounted, invoice.discount_note) == ("paid", D("0"), "")
    assert_books_in_step()


def test_a_bank_line_of_the_discounted_amount_matches_the_invoice_within_the_period(customer):
    from receivables.bank.files.lines import StatementLine
    from receivables.bank.matching import lines_match

    invoice = _invoice(customer, days_ago=20)
    in_time, late = (
        StatementLine(
            booking_date=invoice.issue_date + timedelta(days=days), amount=D("129.72"), currency="EUR"
        )
        for days in (9, 12)
    )
    found, missed = lines_match([in_time, late])
    assert (found.invoice_id, found.reason) == (invoice.pk, "amount_matches_one_invoice")
    assert found.allocations == [
        {"invoice": invoice.pk, "amount": "129.72", "reason": "amount_matches_one_invoice"}
    ]
    assert "less its cash discount" in found.note
    assert missed.invoice_id is None  # after the discount date the discounted amount names nothing


def test_the_payment_page_proposes_the_discounted_amount_and_shows_the_offer(customer, client, make_user):
    from receivables.cash.tests.pages import HTMX, PROPOSAL, entry

    invoice = _invoice(customer, days_ago=20)
    client.force_login(make_user("finance"))
    in_time = entry(
        customer, "129.72", basis="", received_on=(invoice.issue_date + timedelta(days=5)).isoformat()
    )
    page = client.post(PROPOSAL, in_time, **HTMX).text
    assert f'name="apply_{invoice.pk}"' in page and 'value="129.72"' in page
    assert "2.00 % off: 2.65 until" in page
    late = entry(
        customer, "129.72", basis="", received_on=(invoice.issue_date + timedelta(days=11)).isoformat()
    )
    assert 'value="129.72"' in client.post(PROPOSAL, late, **HTMX).text  # applied, the rest stays open


# ── tolerance (decision 0063) ───────────────────────────────────────────────────────────────────
# O2C_CASH_DISCOUNT_TOLERANCE (0.01 by default): a payment in the period a cent off the discounted
# 129.72 still settles; the discount granted is what the customer deducted, the difference on the
# rate with the largest discount (19 %), whose net is worked out again:
#   paid 129.71, deducted 2.66: 19 % 2.38 + 0.01 = 2.39, net 2.39 × 100 / 119 = 2.0084 → 2.01, tax 0.38
#   paid 129.73, deducted 2.64: 19 % 2.38 − 0.01 = 2.37, net 2.37 × 100 / 119 = 1.9916 → 1.99, tax 0.38
# The 7 % part stays 0.25 + 0.02. Output tax falls by 0.40 either way.


@pytest.mark.parametrize(
    ("paid", "deducted", "net_19", "sales_discounts"),
    [("129.71", "2.66", "2.01", "2.26"), ("129.73", "2.64", "1.99", "2.24")],
)
def test_a_payment_a_cent_off_the_discounted_amount_still_settles(
    customer, paid, deducted, net_19, sales_discounts
):
    invoice = _invoice(customer, days_ago=20)
    payment = pipeline.payment_record(
        customer_id=customer.pk,
        amount=paid,
        received_on=invoice.issue_date + timedelta(days=10),
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D(paid))],
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_discounted) == ("paid", D("0.00"), D(deducted))
    assert payment.unapplied_amount == D("0.00")
    rows = {r.tax_rate: (r.net_amount, r.tax_amount) for r in CashDiscount.objects.filter(invoice=invoice)}
    assert rows == {D("7.00"): (D("0.25"), D("0.02")), D("19.00"): (D(net_19), D("0.38"))}
    assert account_balance(key="sales_discounts") == D(sales_discounts)
    assert account_balance(key="vat_payable") == D("-19.48")  # 19.88 − 0.40
    assert_books_in_step()


def test_a_payment_one_cent_short_found_by_the_proposal_settles_too(customer):
    invoice = _invoice(customer, days_ago=20)
    pipeline.payment_record(customer_id=customer.pk, amount="129.71", received_on=invoice.issue_date)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_discounted) == ("paid", D("2.66"))
    assert_books_in_step()


def test_beyond_the_tolerance_the_difference_stays_open(customer, settings):
    invoice = _invoice(customer, days_ago=20)
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="129.70",  # 0.02 short
        received_on=invoice.issue_date + timedelta(days=3),
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("129.70"))],
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_discounted) == (
        "partially_paid",
        D("2.67"),
        D("0"),
    )
    assert_books_in_step()


def test_the_tolerance_is_a_setting(customer, settings):
    settings.O2C_CASH_DISCOUNT_TOLERANCE = D("0.05")
    invoice = _invoice(customer, days_ago=20)
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="129.70",
        received_on=invoice.issue_date + timedelta(days=3),
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("129.70"))],
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_discounted) == ("paid", D("2.67"))
    # 19 %: 2.38 + 0.02 = 2.40, net 2.40 × 100 / 119 = 2.0168 → 2.02, tax 0.38
    assert CashDiscount.objects.get(invoice=invoice, tax_rate=D("19.00")).net_amount == D("2.02")
    assert_books_in_step()
    settings.O2C_CASH_DISCOUNT_TOLERANCE = D("0.00")
    other = _invoice(customer, days_ago=20)
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="129.71",
        received_on=other.issue_date + timedelta(days=3),
        allocations=[AllocationInput(invoice_id=other.pk, amount=D("129.71"))],
    )
    other.refresh_from_db()
    assert (other.status, other.balance) == ("partially_paid", D("2.66"))


def test_a_late_payment_a_cent_off_the_discounted_amount_says_why_too(customer):
    invoice = _invoice(customer, days_ago=20)
    paid_on = invoice.issue_date + timedelta(days=11)
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="129.71",
        received_on=paid_on,
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("129.71"))],
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("partially_paid", D("2.66"))
    assert invoice.discount_note.startswith("discount not granted: paid on")
    assert_books_in_step()
