"""The statement of account as a PDF, and the payment reference it asks the customer to quote."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from o2c.documents import LOCALE, company_block, document_date, pdf_render, recipient_block
from o2c.money import ZERO_CENTS as ZERO
from o2c.paylinks import pay_url
from receivables.statements.selectors import Statement, statement_get, statement_period_clean

if TYPE_CHECKING:
    from customers.models import Customer


def _date(value: date | None) -> str:
    return document_date(value) if value else ""


def _amount(value: Decimal) -> str:
    """Signed, without the currency: the statement names its currency once, above its figures."""
    return format_decimal(value, format="#,##0.00;-#,##0.00", locale=LOCALE)


def statement_pdf_render(*, statement: Statement) -> bytes:
    """The statement as a company sends it: letterhead, addressee, period, opening balance,
    movements with their running balance, closing balance, aging, open items and how to pay.
    Rendered by WeasyPrint from receivables/statements/pdf.html, fetching nothing."""
    customer = statement.customer
    aging = statement.aging
    context = {
        "title": "Statement of account",
        "number": f"{customer.code} · {_date(statement.period_to)}",
        "company": company_block(),
        "recipient": recipient_block(customer=customer),
        "facts": [
            ("Customer no.", customer.code),
            ("Statement date", _date(statement.period_to)),
            ("Period", f"{_date(statement.period_from)} – {_date(statement.period_to)}"),
            ("Currency", statement.currency),
        ],
        "currency": statement.currency,
        "period_from": _date(statement.period_from),
        "period_to": _date(statement.period_to),
        "opening": _amount(statement.opening_balance),
        "closing": _amount(statement.closing_balance),
        "closing_in_credit": statement.closing_balance < 0,
        "closing_abs": _amount(abs(statement.closing_balance)),
        "total_debit": _amount(statement.total_debit),
        "total_credit": _amount(statement.total_credit),
        "movements": [
            {
                "date": _date(movement.entry_date),
                "document": movement.document,
                "kind": movement.kind_label,
                "description": movement.description,
                "due": _date(movement.due_date),
                "debit": _amount(movement.debit) if movement.debit else "",
                "credit": _amount(movement.credit) if movement.credit else "",
                "balance": _amount(movement.balance),
            }
            for movement in statement.movements
        ],
        "aging": [(label, _amount(value)) for _, label, value in aging.buckets()],
        "aging_disputed": _amount(aging.disputed),
        "aging_unapplied": _amount(-aging.unapplied) if aging.unapplied else _amount(ZERO),
        "aging_total": _amount(aging.total),
        "has_disputed": bool(aging.disputed),
        "open_items": [
            {
                "number": item.number,
                "issue_date": _date(item.issue_date),
                "due_date": _date(item.due_date),
                "days": item.days_past_due or "",
                "total": _amount(item.total),
                "balance": _amount(item.balance),
                "disputed": _amount(item.disputed) if item.disputed else "",
                "pay_url": pay_url(item.invoice_id) if item.balance > item.disputed else "",
            }
            for item in statement.open_items
        ],
        "payment_reference": payment_reference(
            customer_code=customer.code, invoice_numbers=[item.number for item in statement.open_items]
        ),
    }
    return pdf_render("receivables/statements/pdf.html", context)


def statement_attachment(*, customer: Customer, as_of: date) -> tuple[str, bytes]:
    """`(file name, PDF)` of the customer's statement from the start of the year to `as_of`, as
    the dunning e-mail and the collector's e-mail attach it (decision 0066)."""
    period_from, period_to = statement_period_clean(period_from=None, period_to=as_of)
    statement = statement_get(customer=customer, period_from=period_from, period_to=period_to)
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", customer.code)
    return f"statement-{code}-{as_of.isoformat()}.pdf", statement_pdf_render(statement=statement)


PAYMENT_REFERENCE_LENGTH = 140  # what a SEPA transfer carries as remittance information


def payment_reference(*, customer_code: str, invoice_numbers: list[str]) -> str:
    """What a customer writes on a transfer: the invoice numbers it pays (cash application looks
    for them in the reference first) and its customer code; just the code when the numbers would
    not fit in a transfer's reference."""
    reference = " ".join([*invoice_numbers, customer_code])
    return reference if len(reference) <= PAYMENT_REFERENCE_LENGTH else customer_code
