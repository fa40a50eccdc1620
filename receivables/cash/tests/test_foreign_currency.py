"""Documents in a customer's own currency (decision 0062), worked by hand. The base currency is
EUR; rates are USD per EUR.

A USD invoice of 1,000.00 net + 19 % tax = 1,190.00 USD issued at 1.10:
  total in base 1,190.00 / 1.10 = 1,081.8181… → 1,081.82; VAT 190.00 / 1.10 = 172.7272… → 172.73;
  revenue the rest, 1,081.82 − 172.73 = 909.09 (1,000.00 / 1.10 = 909.0909… → 909.09 as well).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from ledger.models import JournalLine
from ledger.rates.services import exchange_rate_set
from ledger.selectors import account_balance
from o2c import pipeline
from o2c.errors import DomainError
from receivables.cash.services import AllocationInput
from receivables.models import Payment, ReceivableEntry
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line

pytestmark = pytest.mark.django_db
D = Decimal
DAYS_AGO = 10


def usd_invoice(customer=None, *, rate="1.10"):
    """The invoice of the module docstring, issued DAYS_AGO days ago at `rate`."""
    customer = customer or a_customer(currency="USD", credit_limit=None)
    then = timezone.localdate() - timedelta(days=DAYS_AGO)
    exchange_rate_set(currency="USD", rate=rate, valid_on=then)
    service = a_product(price="1000.00", tax_rate="19.00", kind="service", cost="0")
    with time_machine.travel(timezone.now() - timedelta(days=DAYS_AGO)):
        order = an_order(customer, line(service, "1"), submit=True)
    invoice = order.invoices.get()
    return customer, invoice


def pay(customer, amount, invoice=None, *, rate=None):
    if rate is not None:
        exchange_rate_set(currency="USD", rate=rate, valid_on=timezone.localdate())
    return pipeline.payment_record(
        customer_id=customer.pk,
        amount=amount,
        received_on=timezone.localdate(),
        allocations=None if invoice is None else [AllocationInput(invoice.pk, D(amount))],
    )


def lines_of(source, reference):
    return {
        (line.account.key, line.debit, line.credit, line.currency, line.amount_currency)
        for line in JournalLine.objects.filter(entry__source=source, entry__source_reference=reference)
        .select_related("account")
        .exclude(entry__reversal_of__isnull=False)
    }


def test_a_usd_invoice_keeps_its_rate_and_both_amounts():
    _, invoice = usd_invoice()
    assert (invoice.currency, invoice.exchange_rate, invoice.total) == ("USD", D("1.10000000"), D("1190.00"))
    assert (invoice.total_base, invoice.balance_base) == (D("1081.82"), D("1081.82"))
    assert invoice.order.exchange_rate == D("1.10000000")
    assert lines_of("invoice", invoice.number) == {
        ("receivables", D("1081.82"), D("0"), "USD", D("1190.00")),
        ("revenue", D("0"), D("909.09"), "USD", D("-1000.00")),
        ("vat_payable", D("0"), D("172.73"), "USD", D("-190.00")),
    }
    row = ReceivableEntry.objects.get(invoice=invoice)
    assert (row.amount, row.amount_base) == (D("1190.00"), D("1081.82"))
    assert_books_in_step()


def test_a_usd_invoice_paid_at_a_better_rate_posts_the_realised_gain():
    """Paid in full when the dollar is at 1.05: 1,190.00 / 1.05 = 1,133.3333… → 1,133.33 in the
    bank; receivables relieved of the 1,081.82 they were kept at; gain 1,133.33 − 1,081.82 = 51.51."""
    customer, invoice = usd_invoice()
    payment = pay(customer, "1190.00", invoice, rate="1.05")
    assert (payment.exchange_rate, payment.amount_base) == (D("1.05000000"), D("1133.33"))
    assert lines_of("payment", payment.number) == {
        ("bank", D("1133.33"), D("0"), "USD", D("1190.00")),
        ("receivables", D("0"), D("1081.82"), "USD", D("-1190.00")),
        ("fx_gains", D("0"), D("51.51"), "USD", D("0")),
    }
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.balance_base) == ("paid", D("0"), D("0"))
    allocation = payment.allocations.get()
    assert (allocation.amount_base, allocation.payment_base) == (D("1081.82"), D("1133.33"))
    assert account_balance(key="fx_gains") == D("-51.51")
    assert account_balance(key="receivables") == D("0")
    assert_books_in_step()


def test_a_usd_invoice_paid_at_a_worse_rate_posts_the_realised_loss():
    """At 1.20: 1,190.00 / 1.20 = 991.6666… → 991.67; loss 1,081.82 − 991.67 = 90.15."""
    customer, invoice = usd_invoice()
    payment = pay(customer, "1190.00", invoice, rate="1.20")
    assert lines_of("payment", payment.number) == {
        ("bank", D("991.67"), D("0"), "USD", D("1190.00")),
        ("receivables", D("0"), D("1081.82"), "USD", D("-1190.00")),
        ("fx_losses", D("90.15"), D("0"), "USD", D("0")),
    }
    assert account_balance(key="fx_losses") == D("90.15")
    assert_books_in_step()


def test_partial_payments_realise_the_difference_on_the_part_settled():
    """595.00 at 1.05: bank 595 / 1.05 = 566.6666… → 566.67; receivables 1,081.82 × 595/1,190 =
    540.91; gain 25.76. The other 595.00 at 1.25: bank 476.00; receivables all that is left,
    1,081.82 − 540.91 = 540.91; loss 64.91."""
    customer, invoice = usd_invoice()
    first = pay(customer, "595.00", invoice, rate="1.05")
    assert lines_of("payment", first.number) == {
        ("bank", D("566.67"), D("0"), "USD", D("595.00")),
        ("receivables", D("0"), D("540.91"), "USD", D("-595.00")),
        ("fx_gains", D("0"), D("25.76"), "USD", D("0")),
    }
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.balance_base) == (
        "partially_paid",
        D("595.00"),
        D("540.91"),
    )
    assert_books_in_step()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        second = pay(customer, "595.00", invoice, rate="1.25")
        assert lines_of("payment", second.number) == {
            ("bank", D("476.00"), D("0"), "USD", D("595.00")),
            ("receivables", D("0"), D("540.91"), "USD", D("-595.00")),
            ("fx_losses", D("64.91"), D("0"), "USD", D("0")),
        }
        invoice.refresh_from_db()
        assert (invoice.status, invoice.balance_base) == ("paid", D("0"))
        assert (account_balance(key="fx_gains"), account_balance(key="fx_losses")) == (
            D("-25.76"),
            D("64.91"),
        )
        assert_books_in_step()


def test_a_credit_note_is_at_the_invoices_rate_and_a_bounced_payment_undoes_its_gain():
    """A credit of 119.00 USD (100.00 + 19.00 tax) at the invoice's 1.10: 1,081.82 × 119/1,190 =
    108.18 off receivables, VAT 19.00 / 1.10 = 17.27, revenue 90.91 — whatever today's rate."""
    customer, invoice = usd_invoice()
    exchange_rate_set(currency="USD", rate="1.30", valid_on=timezone.localdate())
    note = pipeline.credit_note_issue(invoice_id=invoice.pk, reason="damaged", amount=D("119.00"), by=None)
    assert (note.exchange_rate, note.total_base) == (D("1.10000000"), D("108.18"))
    assert lines_of("credit_note", note.number) == {
        ("receivables", D("0"), D("108.18"), "USD", D("-119.00")),
        ("revenue", D("90.91"), D("0"), "USD", D("100.00")),
        ("vat_payable", D("17.27"), D("0"), "USD", D("19.00")),
    }
    assert_books_in_step()
    payment = pay(customer, "1071.00", invoice, rate="1.05")  # 1,071 / 1.05 = 1,020.00; 973.64 left
    assert payment.amount_base == D("1020.00")
    assert account_balance(key="fx_gains") == D("-46.36")  # 1,020.00 − (1,081.82 − 108.18)
    pipeline.payment_reverse(payment_id=payment.pk, reason="bounced")
    assert account_balance(key="fx_gains") == D("0")
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.balance_base) == (D("1071.00"), D("973.64"))
    assert_books_in_step()


def test_unapplied_usd_cash_applied_later_and_refunded_at_todays_rate():
    """1,000.00 USD received at 1.05 (952.38) before anything is due; 595.00 of it applied to the
    invoice: advances 952.38 × 595/1,000 = 566.67 against receivables 540.91, gain 25.76; the
    405.00 left (385.71 in base) refunded when the dollar is at 1.00: bank 405.00, loss 19.29."""
    customer, invoice = usd_invoice()
    exchange_rate_set(currency="USD", rate="1.05", valid_on=timezone.localdate())
    payment = pipeline.payment_record(
        customer_id=customer.pk, amount="1000.00", received_on=timezone.localdate(), allocations=[]
    )
    assert (payment.unapplied_amount, payment.amount_base) == (D("1000.00"), D("952.38"))
    pipeline.payment_apply(payment_id=payment.pk, allocations=[AllocationInput(invoice.pk, D("595.00"))])
    assert account_balance(key="fx_gains") == D("-25.76")
    assert_books_in_step()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        exchange_rate_set(currency="USD", rate="1.00", valid_on=timezone.localdate())
        pipeline.payment_refund(payment_id=payment.pk, amount="405.00", reason="asked back")
        assert account_balance(key="fx_losses") == D("19.29")
        assert_books_in_step()


def test_a_document_without_a_rate_for_its_date_is_refused_naming_the_rate():
    customer = a_customer(currency="CHF", credit_limit=None)
    service = a_product(price="10.00", kind="service", cost="0")
    with pytest.raises(
        DomainError, match=r"no exchange rate CHF/EUR is recorded for \d{4}-\d\d-\d\d"
    ) as error:
        an_order(customer, line(service, "1"))
    assert error.value.field == "currency"
    exchange_rate_set(currency="CHF", rate="0.95", valid_on=timezone.localdate() - timedelta(days=3))
    with time_machine.travel(timezone.now() - timedelta(days=5)), pytest.raises(DomainError, match="CHF/EUR"):
        pipeline.payment_record(
            customer_id=customer.pk, amount="10.00", received_on=timezone.localdate(), allocations=[]
        )
    assert Payment.objects.count() == 0
    assert_books_in_step()


def test_a_customer_with_documents_keeps_its_currency():
    from customers.services import customer_update

    customer, _ = usd_invoice()
    with pytest.raises(DomainError, match="has documents in USD") as refused:
        customer_update(customer_id=customer.pk, by=None, currency="EUR")
    assert (refused.value.field, refused.value.code) == ("currency", "currency_in_use")
    fresh = a_customer(currency="USD")
    assert customer_update(customer_id=fresh.pk, by=None, currency="CHF").currency == "CHF"


def test_the_statement_is_in_the_customers_currency_and_the_aging_totals_in_base():
    """The statement of a USD customer is in USD; the aging totals (DSO, KPIs, the dashboard) in
    EUR at the invoice's rate, from the rollup and from the ledger alike. A dispute of 119.00 USD
    is 1,081.82 × 119 / 1,190 = 108.18 EUR of it."""
    from receivables.statements.selectors import statement_get
    from reporting.aging import aging_report, aging_totals, aging_totals_from_ledger

    customer, invoice = usd_invoice()
    today = timezone.localdate()
    statement = statement_get(customer=customer, period_from=today - timedelta(days=30), period_to=today)
    assert (statement.currency, statement.closing_balance) == ("USD", D("1190.00"))
    assert aging_totals(as_of=today).open_balance == D("1081.82")
    pipeline.dispute_open(invoice_id=invoice.pk, amount="119.00", reason="quality", note="", by=None)
    totals = aging_totals(as_of=today)
    assert (totals.open_balance, totals.disputed) == (D("1081.82"), D("108.18"))
    assert totals == aging_totals_from_ledger(as_of=today)
    report = aging_report(as_of=today)
    (row,) = [row for row in report.customers if row.customer_id == customer.pk]
    assert (row.currency, row.open_balance, row.disputed) == ("USD", D("1190.00"), D("119.00"))
    assert (report.totals.currency, report.totals.open_balance) == ("EUR", D("1081.82"))
    assert_books_in_step()


def test_the_vat_report_is_in_base_and_reconciles_with_two_rates():
    """1,000.00 USD at 19 % (190.00 tax) and 100.00 at 7 % (7.00) = 1,297.00 USD at 1.10:
    receivables 1,179.09; VAT 190.00 / 1.10 = 172.73 and 7.00 / 1.10 = 6.36, each rounded once;
    revenue the rest, 1,000.00. The VAT report says the same and reconciles to 0.00."""
    from reporting.vat import vat_report

    customer = a_customer(currency="USD", credit_limit=None)
    then = timezone.localdate() - timedelta(days=DAYS_AGO)
    exchange_rate_set(currency="USD", rate="1.10", valid_on=then)
    full = a_product(price="1000.00", tax_rate="19.00", kind="service", cost="0")
    reduced = a_product(price="100.00", tax_rate="7.00", kind="service", cost="0")
    with time_machine.travel(timezone.now() - timedelta(days=DAYS_AGO)):
        invoice = an_order(customer, line(full, "1"), line(reduced, "1"), submit=True).invoices.get()
    assert lines_of("invoice", invoice.number) == {
        ("receivables", D("1179.09"), D("0"), "USD", D("1297.00")),
        ("revenue", D("0"), D("1000.00"), "USD", D("-1100.00")),
        ("vat_payable", D("0"), D("172.73"), "USD", D("-190.00")),
        ("vat_payable", D("0"), D("6.36"), "USD", D("-7.00")),
    }
    report = vat_report(date_from=then, date_to=timezone.localdate())
    by_rate = {row.tax_rate: (row.net, row.tax) for row in report.rates}
    assert by_rate == {D("19.00"): (D("909.09"), D("172.73")), D("7.00"): (D("90.91"), D("6.36"))}
    assert (report.total.tax, report.ledger_output_tax, report.difference) == (
        D("179.09"),
        D("179.09"),
        D("0"),
    )
