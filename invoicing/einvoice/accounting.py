"""The VAT accounting currency of an e-invoice (EN 16931 BT-6, BT-111) for a document in a foreign
currency (decision 0062): the base currency and the VAT the ledger posted in it."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ledger.rates.convert import is_base
from ledger.selectors import posted_on_account


def tax_currency(document: Any, *, source: str) -> dict[str, Any]:
    """BT-6 and BT-111 of `document` (an invoice or a credit note, posted as `source`): the base
    currency and the VAT its journal entry posted in it, per tax rate as decision 0062 converts it
    (one query); nothing for a base-currency document."""
    if is_base(document.currency):
        return {}
    return {
        "tax_currency": settings.O2C_BASE_CURRENCY,
        "tax_total_base": posted_on_account(
            source=source, reference=document.number, account_key="vat_payable"
        ),
    }
