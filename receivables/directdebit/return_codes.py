"""The reasons a bank gives for a returned or rejected SEPA direct debit (ISO 20022 external
return reason codes as the EPC's SDD rulebooks use them), in words, and which of them end the
mandate."""

from __future__ import annotations

REASONS = {
    "AC01": "account identifier incorrect (invalid IBAN)",
    "AC04": "account closed",
    "AC06": "account blocked, or blocked for direct debits by the debtor",
    "AC13": "debtor account is a consumer account (B2B debit)",
    "AG01": "direct debits are not allowed on this account",
    "AG02": "operation or transaction code incorrect",
    "AM04": "insufficient funds",
    "AM05": "duplicate collection",
    "BE05": "creditor identifier incorrect",
    "CNOR": "the creditor's bank is not registered for SEPA direct debits",
    "DNOR": "the debtor's bank is not registered for SEPA direct debits",
    "FF01": "invalid file format",
    "MD01": "no mandate, or the mandate is not valid",
    "MD02": "mandate data missing or incorrect",
    "MD06": "refund requested by the debtor",
    "MD07": "the debtor has died",
    "MS02": "refused by the debtor, no reason given",
    "MS03": "reason not specified by the bank",
    "RC01": "bank identifier (BIC) incorrect",
    "RR01": "debtor account or identification missing (regulatory reason)",
    "RR02": "debtor's name or address missing (regulatory reason)",
    "RR03": "creditor's name or address missing (regulatory reason)",
    "RR04": "regulatory reason",
    "SL01": "a specific service of the debtor's bank (such as a creditor blacklist) refused it",
}

# Returns that say the mandate cannot be used again: no mandate, or the account it names is gone.
MANDATE_ENDING = frozenset({"MD01", "MD02", "MD07", "AC01", "AC04", "AC06", "AC13", "AG01"})


def reason_in_words(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        return "no reason code given by the bank"
    return f"{code} {REASONS.get(code, 'a reason code this application does not know')}"
