"""Open invoices of customers carried over from a previous system: each becomes an opening
invoice (invoicing.opening) with its open item (receivables) and its journal entry (Dr
receivables / Cr opening balances), and from then on ages, is dunned and is paid like any other."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from customers import selectors as customer_selectors
from imports.cells import cell_date, cell_decimal, cell_text
from imports.kinds.base import Checked, Column, ImportKind, Progress, RowError, read
from invoicing.opening import selectors as opening_selectors
from invoicing.opening import services as opening_services
from o2c.errors import DomainError
from o2c.roles import FINANCE
from receivables import services as receivable_services

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from imports.files import Table


class OpenInvoicesKind(ImportKind):
    name = "open-invoices"
    label = "Open invoices"
    roles = (FINANCE,)
    help = (
        "What each customer still owes, invoice by invoice: posted to receivables against the opening "
        "balances account. The previous system's number is kept as the invoice's reference."
    )
    columns = (
        Column("number", "RE-2025-0815", required=True, help="the invoice's number in the previous system"),
        Column("customer", "C-1001", required=True, help="a customer code that exists"),
        Column("issue_date", "2025-11-30", required=True, help="YYYY-MM-DD or DD.MM.YYYY"),
        Column("due_date", "2025-12-30", help="empty: the issue date plus the customer's payment terms"),
        Column("amount", "1190.00", required=True, help="what is still open, tax included"),
        Column("currency", "EUR", help="the customer's currency when empty; no other"),
    )

    def check_rows(
        self, table: Table, index: dict[str, int], checked: Checked, progress: Progress | None
    ) -> None:
        rows = list(self.cells(table, index, progress))
        customers = customer_selectors.customers_by_code(
            codes=[str(c.get("customer") or "").strip() for _, c in rows]
        )
        taken = opening_selectors.previous_numbers_taken(
            numbers=[str(c.get("number") or "").strip() for _, c in rows]
        )
        seen: dict[str, int] = {}
        for number, cells in rows:
            errors_before = len(checked.errors)
            previous = read(checked, number, cell_text, cells.get("number"), field="number")
            code = read(checked, number, cell_text, cells.get("customer"), field="customer")
            issued = read(checked, number, cell_date, cells.get("issue_date"), field="issue_date")
            due = read(checked, number, cell_date, cells.get("due_date"), field="due_date")
            amount = read(checked, number, cell_decimal, cells.get("amount"), field="amount", positive=True)
            currency = read(checked, number, cell_text, cells.get("currency"), field="currency")
            for name, value in (
                ("number", previous),
                ("customer", code),
                ("issue_date", issued),
                ("amount", amount),
            ):
                if value is None and not any(e["field"] == name for e in checked.errors[errors_before:]):
                    checked.error(number, name, "this field is required")
            if previous:
                if len(previous) > 60:
                    checked.error(number, "number", "at most 60 characters")
                elif previous in seen:
                    checked.error(number, "number", f"invoice {previous} is also on row {seen[previous]}")
                elif previous in taken:
                    checked.error(number, "number", f"invoice {previous} was carried over already")
                seen.setdefault(previous, number)
            customer = customers.get(code) if code else None
            if code and customer is None:
                checked.error(number, "customer", f"no customer has code {code}")
            if customer is not None and currency and currency.upper() != customer.currency:
                checked.error(number, "currency", f"{customer.code} is invoiced in {customer.currency}")
            if customer is not None and issued is not None and due is None:
                due = issued + timedelta(days=customer.payment_terms_days)
            if issued is not None and due is not None and due < issued:
                checked.error(number, "due_date", "the due date is on or after the issue date")
            if len(checked.errors) == errors_before and customer is not None:
                checked.plan.append(
                    {
                        "row": number,
                        "customer": customer,
                        "previous_number": previous,
                        "issue_date": issued,
                        "due_date": due,
                        "amount": amount,
                    }
                )
                checked.created += 1

    def write(self, plan: list[Any], *, by: User | None) -> tuple[int, int]:
        for item in plan:
            row = item.pop("row")
            try:
                invoice = opening_services.opening_invoice_create(**item, by=by)
            except DomainError as error:
                raise RowError(row, error) from None
            receivable_services.receivable_record_invoice(invoice=invoice)
        return len(plan), 0


OPEN_INVOICES = OpenInvoicesKind()
