"""ISO 20022 CAMT.053 bank statements, read with lxml.

Read as ISO 20022 puts it (camt.053.001.02 to .13; camt.052 reports read the same way):
- an entry (`Ntry`) is what the bank booked: its `Amt` (never negative) and `CdtDbtInd` give the
  amount and the direction. `RvslInd` true only says the entry reverses an earlier one (a
  returned direct debit is DBIT with RvslInd true): it never turns a DBIT into money in.
- an entry of several transactions (a batch) is one line per `TxDtls`, each at its own amount:
  `TxDtls/Amt` (v04 on), else `AmtDtls/TxAmt/Amt`, else `AmtDtls/InstdAmt/Amt` in the entry's
  currency; a transaction's own `CdtDbtInd` gives its direction. When an amount is missing or
  the transactions do not add up to the entry, the entry is one line at the entry's amount.
- an entry of one transaction is one line at the entry's amount (`InstdAmt` may be in another
  currency, and charges have amounts of their own).
Each element is read at its place in the schema, never by searching descendants: a search for
`.//Amt` finds the charges or the instructed amount as readily as the amount booked.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from o2c.errors import DomainError, KernelErrorCode
from o2c.parsing import MAX_AMOUNT, date_check, parse_decimal
from receivables.bank.errors import BankErrorCode
from receivables.bank.files.lines import MAX_LINES, StatementLine

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


class _Camt:
    """Paths in the document's namespace (camt.053.001.xx), whatever its version."""

    def __init__(self, root) -> None:
        self.ns = {"c": etree.QName(root).namespace or ""}

    def all(self, element, path: str) -> list:
        return element.findall(self._qualified(path), self.ns)

    def one(self, element, path: str):
        return element.find(self._qualified(path), self.ns)

    def text(self, element, *paths: str) -> str:
        for path in paths:
            found = self.one(element, path)
            if found is not None and (found.text or "").strip():
                return " ".join(found.text.split())
        return ""

    @staticmethod
    def _qualified(path: str) -> str:
        return "/".join(step if step in (".", "..") else f"c:{step}" for step in path.split("/"))


def camt053_lines(content: bytes) -> list[StatementLine]:
    """The booked entries of a CAMT.053 statement, one line per transaction (a batch entry's
    transactions each on its own line, when their amounts add up to the entry). A file that
    declares a DTD or entities is refused before it is parsed: bank statements never do, and an
    XML bomb or an external entity would; the parser itself resolves no entity and reads nothing
    from the network either."""
    if _DTD.search(content[:65536]):
        raise DomainError(
            "the XML file declares a DTD or entities; a CAMT.053 statement does not",
            field="file",
            code=BankErrorCode.INVALID_FILE,
        )
    try:
        root = etree.fromstring(content, parser=_XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise DomainError(
            f"the file is not well-formed XML: {error}", field="file", code=BankErrorCode.INVALID_FILE
        ) from None
    root_namespace = etree.QName(root).namespace or ""
    if "camt.053" not in root_namespace and "camt.052" not in root_namespace:
        raise DomainError(
            f"the XML file is not a CAMT.053 bank statement (its namespace is '{root_namespace or 'none'}')",
            field="file",
            code=BankErrorCode.INVALID_FILE,
        )
    camt = _Camt(root)
    statements = camt.all(root, "BkToCstmrStmt/Stmt") or camt.all(root, "BkToCstmrAcctRpt/Rpt")
    if not statements:
        raise DomainError("the CAMT.053 file holds no statement", field="file", code=BankErrorCode.EMPTY_FILE)
    lines: list[StatementLine] = []
    number = 0
    for statement in statements:
        account_currency = camt.text(statement, "Acct/Ccy").upper()
        for entry in camt.all(statement, "Ntry"):
            number += 1
            status = camt.text(entry, "Sts/Cd", "Sts").upper() or "BOOK"
            if status != "BOOK":
                continue  # pending or information only: not money on the account yet
            lines.extend(_camt_entry_lines(camt, entry, number, account_currency))
            if len(lines) > MAX_LINES:
                raise DomainError(
                    f"the file has more than {MAX_LINES} lines; import at most {MAX_LINES} at a time",
                    field="file",
                    code=KernelErrorCode.TOO_MANY_LINES,
                )
    if not lines:
        raise DomainError(
            "the CAMT.053 file has no booked entries", field="file", code=BankErrorCode.EMPTY_FILE
        )
    return lines


def _camt_amount(camt: _Camt, element, path: str, *, where: str) -> tuple[Decimal, str] | None:
    """The amount at `path` and its currency; a value that is not a finite amount of at most two
    decimals within MAX_AMOUNT (NaN, Infinity, 1e30, -5) refuses the file, naming the entry."""
    found = camt.one(element, path)
    if found is None:
        return None
    raw = (found.text or "").strip()
    try:
        amount = parse_decimal(raw, field="file", minimum=Decimal("0"))
    except DomainError as error:
        raise DomainError(
            f"{where}: the amount '{raw[:40]}' cannot be read ({error.message}; "
            f"an amount is at most {MAX_AMOUNT} with two decimals)",
            field="file",
            code=KernelErrorCode.INVALID_NUMBER,
        ) from None
    return amount, (found.get("Ccy") or "").strip().upper()[:3]


def _camt_entry_lines(camt: _Camt, entry, number: int, account_currency: str) -> list[StatementLine]:
    where = f"entry {number}"
    booked = _camt_amount(camt, entry, "Amt", where=where)
    if booked is None:
        raise DomainError(
            f"{where}: the entry has no amount (Amt)", field="file", code=BankErrorCode.INVALID_FILE
        )
    amount, currency = booked
    currency = currency or account_currency
    direction = camt.text(entry, "CdtDbtInd").upper()
    if direction not in ("CRDT", "DBIT"):
        raise DomainError(
            f"{where}: the credit/debit indicator is '{direction}', not CRDT or DBIT",
            field="file",
            code=BankErrorCode.INVALID_FILE,
        )
    raw_date = camt.text(entry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm")
    try:
        booking_date = date_check(date.fromisoformat(raw_date[:10]), field="file")
    except (ValueError, DomainError):
        raise DomainError(
            f"{where}: the booking date '{raw_date[:40]}' cannot be read",
            field="file",
            code=KernelErrorCode.INVALID_DATE,
        ) from None
    reversal = camt.text(entry, "RvslInd").lower() in ("true", "1")
    transactions = [tx for details in camt.all(entry, "NtryDtls") for tx in camt.all(details, "TxDtls")]
    entry_reference = camt.text(entry, "AcctSvcrRef")
    base = {
        "booking_date": booking_date,
        "currency": currency,
        "reversal": reversal,
    }
    signed_entry = amount if direction == "CRDT" else -amount
    if len(transactions) > 1:
        parts = []
        for index, tx in enumerate(transactions, start=1):
            tx_where = f"{where}, transaction {index}"
            own = (
                _camt_amount(camt, tx, "Amt", where=tx_where)
                or _camt_amount(camt, tx, "AmtDtls/TxAmt/Amt", where=tx_where)
                or _camt_amount(camt, tx, "AmtDtls/InstdAmt/Amt", where=tx_where)
            )
            if own is None or (own[1] and own[1] != currency):
                parts = []
                break
            tx_direction = camt.text(tx, "CdtDbtInd").upper() or direction
            parts.append((tx, own[0] if tx_direction == "CRDT" else -own[0]))
        if parts and sum(signed for _, signed in parts) == signed_entry:
            return [
                _camt_line(camt, tx, signed=signed, entry_reference=entry_reference, **base)
                for tx, signed in parts
            ]
        return [
            _camt_line(
                camt,
                None,
                signed=signed_entry,
                entry_reference=entry_reference,
                merged=transactions,
                **base,
            )
        ]
    return [
        _camt_line(
            camt,
            transactions[0] if transactions else None,
            signed=signed_entry,
            entry_reference=entry_reference,
            **base,
        )
    ]


def _camt_references(camt: _Camt, tx) -> list[str]:
    """Unstructured remittance lines, the creditor reference (or else the first line), the
    additional remittance text and the end-to-end id, each once."""
    unstructured = [" ".join((u.text or "").split()) for u in camt.all(tx, "RmtInf/Ustrd")]
    found = [
        " ".join(part for part in unstructured if part),
        camt.text(tx, "RmtInf/Strd/CdtrRefInf/Ref") or (unstructured[0] if unstructured else ""),
        camt.text(tx, "RmtInf/Strd/AddtlRmtInf"),
    ]
    end_to_end = camt.text(tx, "Refs/EndToEndId")
    if end_to_end.upper() != "NOTPROVIDED":
        found.append(end_to_end)
    references: list[str] = []
    for value in found:
        if value and not any(value in seen for seen in references):
            references.append(value)
    return references


def _camt_party(camt: _Camt, tx, role: str) -> tuple[str, str]:
    """Name and IBAN of the debtor or creditor (`Dbtr/Nm` up to v07, `Dbtr/Pty/Nm` from v08)."""
    if tx is None:
        return "", ""
    name = camt.text(tx, f"RltdPties/{role}/Nm", f"RltdPties/{role}/Pty/Nm")
    iban = camt.text(tx, f"RltdPties/{role}Acct/Id/IBAN")
    return name, iban


def _camt_line(
    camt: _Camt,
    tx,
    *,
    signed: Decimal,
    booking_date: date,
    currency: str,
    reversal: bool,
    entry_reference: str,
    merged: list | None = None,
) -> StatementLine:
    sources = merged if merged is not None else ([tx] if tx is not None else [])
    references: list[str] = []
    for source in sources:
        for value in _camt_references(camt, source):
            if not any(value in seen for seen in references):
                references.append(value)
    first = sources[0] if sources else None
    name, iban = _camt_party(camt, first, "Dbtr" if signed > 0 else "Cdtr")
    reason = camt.text(first, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry") if first is not None else ""
    bank_reference = entry_reference or (camt.text(first, "Refs/AcctSvcrRef") if first is not None else "")
    return StatementLine(
        booking_date=booking_date,
        amount=signed,
        currency=currency,
        reference=" / ".join(references)[:500],
        counterparty=name[:200],
        counterparty_account=iban[:50],
        bank_reference=bank_reference[:100],
        reversal=reversal,
        return_code=reason[:10],
        note=_camt_note(signed=signed, reversal=reversal, reason=reason, merged=merged),
    )


def _camt_note(*, signed: Decimal, reversal: bool, reason: str, merged: list | None) -> str:
    """Why a line is not a customer payment, or how it was read; empty for a plain credit."""
    because = f" (return reason {reason})" if reason else ""
    if reversal and signed < 0:
        return f"a reversal booked as a debit{because}, such as a returned direct debit: money out, not a customer payment"
    if reversal:
        return f"a reversal of an earlier debit{because}: not a customer payment"
    if signed < 0:
        return "a debit: not a customer payment"
    if signed == 0:
        return "a zero amount: nothing to record"
    if merged:
        return f"a batch of {len(merged)} transactions whose amounts do not add up to the entry: one line for the entry"
    return ""
