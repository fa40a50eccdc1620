"""The VAT report (decision 0057): output tax by rate for a period, reconciled with the ledger.

Per tax rate, each movement by its own document's date: invoice lines by the invoice date, credit
note lines by the credit note date, cash discounts (receivables/cash, decision 0056) by the day
they were taken — and back, by the day their payment was reversed. Net and tax of each kind
apart; the rate's net and tax are invoices less credit notes less discounts. The reconciliation:
the VAT payable account's movements in the period (credits less debits) less the report's tax,
which is 0.00 while every tax movement comes from these documents (a manual journal entry on VAT
payable is what would show there).

Two SQL statements, whatever the number of documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from o2c.errors import DomainError, KernelErrorCode
from o2c.money import ZERO_CENTS as ZERO
from o2c.parsing import date_check
from reporting.errors import ReportingErrorCode
from reporting.operations.period import PERIOD_MAX_DAYS, fetch

KINDS = ("invoices", "credit_notes", "discounts")

# In the base currency (decision 0062): each document's net and tax per rate at its own rate,
# rounded once, as its journal entry posted them (1 in the base currency: unchanged).
_BY_RATE = """
WITH movements AS (
    SELECT 'invoices' AS kind, l.tax_rate, ROUND(SUM(l.net_amount) / i.exchange_rate, 2) AS net,
           ROUND(SUM(l.tax_amount) / i.exchange_rate, 2) AS tax, i.id AS doc
      FROM invoicing_invoice i JOIN invoicing_invoiceline l ON l.invoice_id = i.id
     WHERE i.issue_date BETWEEN %(start)s AND %(end)s
     GROUP BY i.id, l.tax_rate
    UNION ALL
    SELECT 'credit_notes', c.tax_rate, ROUND(SUM(c.net_amount) / n.exchange_rate, 2),
           ROUND(SUM(c.tax_amount) / n.exchange_rate, 2), n.id
      FROM invoicing_creditnote n JOIN invoicing_creditnoteline c ON c.credit_note_id = n.id
     WHERE n.issue_date BETWEEN %(start)s AND %(end)s
     GROUP BY n.id, c.tax_rate
    UNION ALL
    SELECT 'discounts', d.tax_rate, ROUND(d.net_amount / i.exchange_rate, 2),
           ROUND(d.tax_amount / i.exchange_rate, 2), d.invoice_id
      FROM receivables_cashdiscount d JOIN invoicing_invoice i ON i.id = d.invoice_id
     WHERE d.taken_on BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT 'discounts', d.tax_rate, -ROUND(d.net_amount / i.exchange_rate, 2),
           -ROUND(d.tax_amount / i.exchange_rate, 2), d.invoice_id
      FROM receivables_cashdiscount d JOIN invoicing_invoice i ON i.id = d.invoice_id
     WHERE d.reversed_on BETWEEN %(start)s AND %(end)s
)
SELECT kind, tax_rate, SUM(net)::numeric(18, 2), SUM(tax)::numeric(18, 2), COUNT(DISTINCT doc)
  FROM movements GROUP BY GROUPING SETS ((kind, tax_rate), (kind))
"""

_LEDGER = """
SELECT COALESCE(SUM(l.credit - l.debit), 0)::numeric(18, 2)
  FROM ledger_journalline l
  JOIN ledger_journalentry e ON e.id = l.entry_id
  JOIN ledger_account a ON a.id = l.account_id
 WHERE a.key = 'vat_payable' AND e.date BETWEEN %(start)s AND %(end)s
"""


@dataclass
class VatFigures:
    """Net and tax of one kind of movement at one rate, and how many documents carried them."""

    net: Decimal = ZERO
    tax: Decimal = ZERO
    documents: int = 0


@dataclass
class VatRow:
    tax_rate: Decimal | None  # None: the total
    invoices: VatFigures = field(default_factory=VatFigures)
    credit_notes: VatFigures = field(default_factory=VatFigures)
    discounts: VatFigures = field(default_factory=VatFigures)

    @property
    def net(self) -> Decimal:
        return self.invoices.net - self.credit_notes.net - self.discounts.net

    @property
    def tax(self) -> Decimal:
        return self.invoices.tax - self.credit_notes.tax - self.discounts.tax


@dataclass
class VatReport:
    date_from: date
    date_to: date
    rates: list[VatRow]
    total: VatRow
    ledger_output_tax: Decimal  # VAT payable: credits less debits dated in the period

    @property
    def difference(self) -> Decimal:
        return self.ledger_output_tax - self.total.tax

    HEADER = (
        "tax_rate",
        "invoices_net",
        "invoices_tax",
        "invoices",
        "credit_notes_net",
        "credit_notes_tax",
        "credit_notes",
        "discounts_net",
        "discounts_tax",
        "net",
        "tax",
    )

    def table(self) -> tuple[list[str], list[list[object]]]:
        """The CSV/XLSX table: a line per rate, the total, then the ledger and the difference."""
        rows: list[list[object]] = []
        for row in [*self.rates, self.total]:
            rows.append(
                [
                    "total" if row.tax_rate is None else row.tax_rate,
                    row.invoices.net,
                    row.invoices.tax,
                    row.invoices.documents,
                    row.credit_notes.net,
                    row.credit_notes.tax,
                    row.credit_notes.documents,
                    row.discounts.net,
                    row.discounts.tax,
                    row.net,
                    row.tax,
                ]
            )
        blank: list[object] = [""] * (len(self.HEADER) - 2)
        rows.append(["ledger VAT payable", *blank, self.ledger_output_tax])
        rows.append(["difference", *blank, self.difference])
        return list(self.HEADER), rows


def vat_period_clean(*, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The period asked for: `to` defaults to today, `from` to the first day of `to`'s month; a
    period backwards or longer than ten years is refused naming the field."""
    end = date_check(date_to or timezone.localdate(), field="to")
    start = date_check(date_from, field="from") if date_from else end.replace(day=1)
    if start > end:
        raise DomainError(
            f"from ({start}) is after to ({end})", field="from", code=KernelErrorCode.PERIOD_REVERSED
        )
    if (end - start).days > PERIOD_MAX_DAYS:
        raise DomainError(
            "a report covers at most ten years", field="from", code=ReportingErrorCode.PERIOD_TOO_LONG
        )
    return start, end


def vat_report(*, date_from: date, date_to: date) -> VatReport:
    """Output tax by rate from `date_from` to `date_to` (both included), see the module docstring."""
    params = {"start": date_from, "end": date_to}
    by_rate: dict[Decimal, VatRow] = {}
    total = VatRow(tax_rate=None)
    for kind, rate, net, tax, documents in fetch(_BY_RATE, params):  # rate None: the kind's total
        row = total if rate is None else by_rate.setdefault(rate, VatRow(tax_rate=rate))
        setattr(row, kind, VatFigures(net=net, tax=tax, documents=documents))
    ((ledger,),) = fetch(_LEDGER, params)
    return VatReport(
        date_from=date_from,
        date_to=date_to,
        rates=[by_rate[rate] for rate in sorted(by_rate, reverse=True)],  # the highest rate first
        total=total,
        ledger_output_tax=ledger,
    )
