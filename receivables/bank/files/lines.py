"""A bank statement line as every file format reads it, and the fingerprint that finds the same
booking in another file."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

MAX_LINES = 20_000


@dataclass(frozen=True)
class StatementLine:
    booking_date: date
    amount: Decimal  # signed: credits (money in) positive
    currency: str
    reference: str = ""
    counterparty: str = ""
    counterparty_account: str = ""
    bank_reference: str = ""
    reversal: bool = False  # CAMT RvslInd: it reverses an earlier booking, never a customer payment
    note: str = ""  # why the line is not a payment, or how it was read
    return_code: str = ""  # CAMT RtrInf/Rsn: the bank's reason for a returned direct debit (AM04, MD01…)


# ── which kind of file ───────────────────────────────────────────────────────────────────────────


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def looks_like_xml(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


# ── the same line in another file ────────────────────────────────────────────────────────────────


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def fingerprints(lines: list[StatementLine]) -> list[str]:
    """One per line, equal for the same booking in any export of the account: its date, amount,
    currency, reference, counterparty and bank reference, and which of identical lines it is."""
    seen: Counter = Counter()
    result = []
    for line in lines:
        key = "|".join(
            [
                line.booking_date.isoformat(),
                f"{line.amount:.2f}",
                line.currency.upper(),
                _fold(line.reference),
                _fold(line.counterparty),
                _fold(line.bank_reference),
            ]
        )
        result.append(hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest())
        seen[key] += 1
    return result
