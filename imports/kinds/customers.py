"""Customers by `code`: created, or updated in the columns the file has (an empty cell leaves
the field as it is, or takes the default for a new customer)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from customers import selectors as customer_selectors
from customers.services import bulk as customer_services
from imports.cells import cell_bool, cell_decimal, cell_int, cell_text
from imports.kinds.base import Checked, Column, ImportKind, Progress, read
from o2c.roles import MANAGER

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from imports.files import Table

TEXT = ("code", "name", "email", "currency", "vat_number", "billing_address", "shipping_address")
BOOLEANS = ("blocked", "dunning_enabled", "tax_exempt")
NEW_NEEDS = ("name", "email")


class CustomersKind(ImportKind):
    name = "customers"
    label = "Customers"
    roles = (MANAGER,)
    help = "Customers by code: a code that exists is updated, a new one is created."
    columns = (
        Column("code", "C-1001", required=True, help="the customer's code: how rows find existing customers"),
        Column("name", "Muster GmbH", help="required for a new customer"),
        Column("email", "billing@muster.example", help="billing address; required for a new customer"),
        Column("currency", "EUR", help="ISO 4217; EUR when empty"),
        Column("payment_terms_days", "30", help="0 to 365"),
        Column("credit_limit", "5000.00", help="empty: the default credit limit for a new customer"),
        Column("blocked", "no"),
        Column("dunning_enabled", "yes"),
        Column("tax_exempt", "no"),
        Column("vat_number", "DE811907980"),
        Column("billing_address", "Hauptstr. 1, 10115 Berlin"),
        Column("shipping_address", ""),
    )

    def check_rows(
        self, table: Table, index: dict[str, int], checked: Checked, progress: Progress | None
    ) -> None:
        rows = list(self.cells(table, index, progress))
        codes = [str(cells.get("code") or "").strip() for _, cells in rows]
        existing = customer_selectors.customer_codes_existing(codes=[code for code in codes if code])
        seen: dict[str, int] = {}
        for number, cells in rows:
            errors_before = len(checked.errors)
            fields: dict[str, Any] = {}
            for name in TEXT:
                value = read(
                    checked, number, cell_text, cells.get(name), field=name, multiline="address" in name
                )
                if value is not None:
                    fields[name] = value.upper() if name == "currency" else value
            days = read(
                checked,
                number,
                cell_int,
                cells.get("payment_terms_days"),
                field="payment_terms_days",
                maximum=365,
            )
            if days is not None:
                fields["payment_terms_days"] = days
            limit = read(checked, number, cell_decimal, cells.get("credit_limit"), field="credit_limit")
            if limit is not None:
                fields["credit_limit"] = limit
            for name in BOOLEANS:
                flag = read(checked, number, cell_bool, cells.get(name), field=name)
                if flag is not None:
                    fields[name] = flag
            code = fields.get("code")
            if not code:
                if len(checked.errors) == errors_before:
                    checked.error(number, "code", "this field is required")
                continue
            if code in seen:
                checked.error(number, "code", f"code {code} is also on row {seen[code]}")
                continue
            seen[code] = number
            cleaned, refusals = customer_services.customer_fields_clean(fields=fields)
            for refusal in refusals:
                checked.refusal(number, refusal)
            if code not in existing:
                for name in NEW_NEEDS:
                    if name not in fields and not any(
                        e["field"] == name for e in checked.errors[errors_before:]
                    ):
                        checked.error(number, name, "required for a new customer")
            if len(checked.errors) == errors_before:
                checked.plan.append(cleaned)
                if code in existing:
                    checked.updated += 1
                else:
                    checked.created += 1

    def write(self, plan: list[Any], *, by: User | None) -> tuple[int, int]:
        return customer_services.customers_import(rows=plan)


CUSTOMERS = CustomersKind()
