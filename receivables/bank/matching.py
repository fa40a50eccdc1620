"""Matching bank statement lines to customers and invoices, for the clerk to confirm or
correct (receivables/bank/services/ imports and reviews; this module only reads).

A credit goes to the customer of the invoices its reference names, else the customer whose code
is in the reference or whose name is the counterparty, else the one open invoice whose balance
is exactly the amount; its amount is then spread over that customer's open invoices by
allocation_propose. A statement of any length costs a fixed number of queries: the invoices
named in any reference, the customers whose code or name appears, the open invoices whose
balance equals an unmatched amount, then the open invoices of the customers found.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q
from django.db.models.functions import Lower, Upper

from customers.selectors import customer_list
from invoicing.selectors import invoice_rows
from o2c.money import ZERO_CENTS as ZERO
from o2c.numbering import SERIES
from receivables.bank.files import StatementLine
from receivables.bank.models import BankStatementLine, MatchReason
from receivables.cash.allocation import (
    OpenInvoice,
    Proposed,
    allocation_explain,
    allocation_propose,
    referenced,
)
from receivables.cash.models import AllocationReason
from receivables.directdebit.matching import direct_debit_matches
from receivables.selectors import open_disputed_subquery, open_items

Line = BankStatementLine.Status


@dataclass
class Match:
    """What matching found for one line: its status, customer, allocations and why (in words,
    `note`, and as a MatchReason code, `reason`). `invoice_id` is the one invoice whose balance is
    the amount, when that is what matched."""

    status: str
    customer_id: int | None = None
    allocations: list[dict] = field(default_factory=list)
    note: str = ""
    reason: str = ""
    invoice_id: int | None = None


_INVOICE_PREFIX = SERIES["invoice"]
_INVOICE_IN_TEXT = re.compile(rf"{_INVOICE_PREFIX}(\d{{4}})(\d{{6,}})")


def _squash(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _invoice_numbers_in(reference: str) -> set[str]:
    """Numbers `INV-YYYY-NNNNNN` that may be written in the reference, however spaced or dashed:
    after each INV, the year and every longer run of the digits that follow."""
    squashed = _squash(reference)
    numbers = set()
    for start in (m.start() for m in re.finditer(_INVOICE_PREFIX, squashed)):
        found = _INVOICE_IN_TEXT.match(squashed, start)
        if found:
            year, digits = found.groups()
            for end in range(6, len(digits) + 1):
                numbers.add(f"{_INVOICE_PREFIX}-{year}-{digits[:end]}")
    return numbers


def _words(text: str) -> set[str]:
    """Upper-cased words of a reference that could be a customer code (3 characters or more)."""
    words = set()
    for word in re.split(r"[^0-9A-Za-z_\-]+", text):
        word = word.strip("-_").upper()
        if len(word) >= 3:
            words.add(word)
            words.update(part for part in re.split(r"[-_]", word) if len(part) >= 3)
    return words


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()


def lines_match(lines: list[StatementLine]) -> list[Match]:
    """A match per line: debits and reversals are ignored, with the reason; a credit goes to the customer of the invoices its
    reference names, else the customer whose code is in the reference or whose name is the
    counterparty, else the one open invoice whose balance is exactly the amount. The amount is
    spread by allocation_propose over that customer's open invoices, what earlier lines of the
    statement took already left out. Direct-debit collections and their returns are recognised
    first, by their own rule (receivables/directdebit/matching.py)."""
    direct = {index: Match(**fields) for index, fields in direct_debit_matches(lines).items()}
    credits = [
        index
        for index, line in enumerate(lines)
        if line.amount > 0 and not line.reversal and index not in direct
    ]
    numbers = {index: _invoice_numbers_in(lines[index].reference) for index in credits}
    invoices = {
        invoice["number"]: invoice
        for invoice in invoice_rows()
        .filter(number__in=set().union(*numbers.values()))
        .values("pk", "number", "customer_id", "customer__code", "customer__currency", "balance")
    }
    words = {index: _words(lines[index].reference) for index in credits}
    names = {_name(lines[index].counterparty) for index in credits if lines[index].counterparty.strip()}
    customers = (
        customer_list()
        .annotate(code_upper=Upper("code"), name_lower=Lower("name"))
        .filter(Q(code_upper__in=set().union(*words.values())) | Q(name_lower__in=names))
        .values("pk", "code", "code_upper", "name_lower", "currency")
    )
    by_code, by_name = {}, defaultdict(list)
    for customer in customers:
        by_code[customer["code_upper"]] = customer
        by_name[_name(customer["name_lower"])].append(customer)

    found = {
        index: _match_by_reference(lines[index], numbers[index], invoices, words[index], by_code, by_name)
        for index in credits
    }
    by_amount = _open_invoices_by_balance(
        keys={(lines[index].currency, lines[index].amount) for index in credits if _unresolved(found[index])}
    )
    for index in credits:
        if _unresolved(found[index]):
            line = lines[index]
            candidates = [  # a discounted amount matches only by the invoice's discount date
                invoice
                for invoice in by_amount.get((line.currency, line.amount), [])
                if invoice.get("discount_due_date") is None
                or line.booking_date <= invoice["discount_due_date"]
            ]
            found[index] = _match_by_amount(line, candidates)
    _propose(lines, found)
    return [direct.get(index) or found.get(index) or _ignored(lines[index]) for index in range(len(lines))]


def _ignored(line: StatementLine) -> Match:
    return Match(
        status=Line.IGNORED,
        note=line.note or "a debit: not a customer payment",
        reason=MatchReason.REVERSAL if line.reversal else MatchReason.DEBIT,
    )


def _unresolved(match: Match) -> bool:
    """Nothing in the reference or name pointed anywhere (a note would say what did)."""
    return match.customer_id is None and not match.note


def _match_by_reference(line, numbers, invoices, words, by_code, by_name) -> Match:
    named = [invoices[number] for number in sorted(numbers) if number in invoices]
    named = [invoice for invoice in named if referenced(invoice["number"], line.reference)]
    if named:
        owners = {invoice["customer_id"] for invoice in named}
        listed = ", ".join(invoice["number"] for invoice in named)
        if len(owners) > 1:
            return Match(
                status=Line.UNMATCHED,
                note=f"the reference names invoices of several customers: {listed}",
                reason=MatchReason.SEVERAL_CUSTOMERS,
            )
        invoice = named[0]
        if invoice["customer__currency"] != line.currency:
            return Match(
                status=Line.UNMATCHED,
                note=f"{listed} in the reference, but {invoice['customer__code']} pays in "
                f"{invoice['customer__currency']}, the line is in {line.currency}",
                reason=MatchReason.CURRENCY_MISMATCH,
            )
        settled = [i["number"] for i in named if i["balance"] <= 0]
        note = f"{listed} in the reference" + (f" ({', '.join(settled)} already settled)" if settled else "")
        return Match(
            status=Line.MATCHED,
            customer_id=invoice["customer_id"],
            note=note,
            reason=MatchReason.INVOICE_NUMBER_IN_REFERENCE,
        )
    coded = [by_code[word] for word in sorted(words) if word in by_code]
    if len({customer["pk"] for customer in coded}) == 1:
        return _customer_match(
            line,
            coded[0],
            f"customer code {coded[0]['code']} in the reference",
            MatchReason.CUSTOMER_CODE_IN_REFERENCE,
        )
    named_customers = by_name.get(_name(line.counterparty), []) if line.counterparty.strip() else []
    if len(named_customers) == 1:
        return _customer_match(
            line,
            named_customers[0],
            "the counterparty is named like the customer",
            MatchReason.COUNTERPARTY_NAME,
        )
    return Match(status=Line.UNMATCHED)


def _customer_match(line, customer: dict, note: str, reason: str) -> Match:
    if customer["currency"] != line.currency:
        return Match(
            status=Line.UNMATCHED,
            note=f"{note}, but {customer['code']} pays in {customer['currency']}, the line is in {line.currency}",
            reason=MatchReason.CURRENCY_MISMATCH,
        )
    return Match(status=Line.MATCHED, customer_id=customer["pk"], note=note, reason=reason)


def _open_invoices_by_balance(*, keys: set[tuple[str, Decimal]]) -> dict[tuple[str, Decimal], list[dict]]:
    """Open invoices whose balance, or balance less its cash discount (decision 0056; with its
    `discount_due_date`, nothing credited or discounted yet), is one of the (currency, amount)
    keys, by key."""
    result = defaultdict(list)
    if keys:
        amounts = {amount for _, amount in keys}
        discount_open = Q(discount_amount__gt=0, amount_discounted=0, amount_credited=0, payable__gt=0)
        for invoice in (
            invoice_rows()
            .annotate(payable=F("balance") - F("discount_amount"))
            .filter(Q(balance__gt=0), Q(balance__in=amounts) | (discount_open & Q(payable__in=amounts)))
            .filter(currency__in={c for c, _ in keys})
            .values(
                "pk",
                "number",
                "customer_id",
                "currency",
                "balance",
                "payable",
                "discount_amount",
                "discount_due_date",
            )
        ):
            key = (invoice["currency"], invoice["balance"])
            if key in keys:
                result[key].append({**invoice, "discount_due_date": None})
            discounted = (invoice["currency"], invoice["payable"])
            if invoice["discount_amount"] > 0 and invoice["payable"] > 0 and discounted in keys:
                result[discounted].append(invoice)
    return result


def _match_by_amount(line, invoices: list[dict]) -> Match:
    if len(invoices) == 1:
        return Match(
            status=Line.MATCHED,
            customer_id=invoices[0]["customer_id"],
            note=(
                f"the amount is the open balance of {invoices[0]['number']} less its cash discount, the only "
                "invoice with it"
                if invoices[0].get("discount_due_date")
                else f"the amount is the open balance of {invoices[0]['number']}, the only invoice with it"
            ),
            reason=MatchReason.AMOUNT_MATCHES_ONE_INVOICE,
            invoice_id=invoices[0]["pk"],
        )
    if invoices:
        return Match(
            status=Line.UNMATCHED,
            note=f"no invoice or customer named; {len(invoices)} open invoices have a balance of {line.amount}",
            reason=MatchReason.AMOUNT_AMBIGUOUS,
        )
    return Match(
        status=Line.UNMATCHED,
        note="no invoice number, customer code or name found; no balance equals it",
        reason=MatchReason.NOTHING_FOUND,
    )


def _propose(lines: list[StatementLine], found: dict[int, Match]) -> None:
    """Allocations for the matched lines, over their customers' open invoices read at once;
    each line takes from what the lines before it left open."""
    open_by_customer = open_items_of(customer_ids={m.customer_id for m in found.values() if m.customer_id})
    for index, match in sorted(found.items()):
        if match.customer_id is None:
            continue
        line = lines[index]
        items = open_by_customer.get(match.customer_id, [])
        proposal = _amount_match_proposal(match, items, line.amount) or allocation_explain(
            invoices=items, amount=line.amount, reference=line.reference, on=line.booking_date
        )
        match.allocations = [
            {"invoice": item.invoice_id, "amount": f"{item.amount:.2f}", "reason": item.reason}
            for item in proposal
        ]
        taken = {item.invoice_id: item.amount for item in proposal}
        open_by_customer[match.customer_id] = [item.less(taken.get(item.invoice_id, ZERO)) for item in items]
        left = line.amount - sum(taken.values(), ZERO)
        if left > 0:
            match.note = f"{match.note}; {left:.2f} left as unapplied cash"


def _amount_match_proposal(match: Match, items: list[OpenInvoice], amount: Decimal) -> list[Proposed]:
    """The whole amount to the one invoice whose balance it is, while that balance is still open
    (an earlier line of the statement may have taken part of it: then the usual proposal)."""
    if match.invoice_id is None:
        return []
    for item in items:
        if item.invoice_id == match.invoice_id and item.balance >= amount:
            return [Proposed(item.invoice_id, amount, AllocationReason.AMOUNT_MATCHES_ONE_INVOICE)]
    return []


def open_items_of(*, customer_ids) -> dict[int, list[OpenInvoice]]:
    """The open invoices of several customers, as allocation_propose takes them, in one query."""
    result: dict[int, list[OpenInvoice]] = defaultdict(list)
    if not customer_ids:
        return result
    invoices = (
        invoice_rows()
        .filter(customer_id__in=customer_ids, balance__gt=0)
        .annotate(disputed=open_disputed_subquery())
        .order_by("due_date", "issue_date", "pk")
    )
    rows = list(invoices)
    for invoice, item in zip(rows, open_items(rows), strict=True):
        result[invoice.customer_id].append(item)
    return result


def line_proposal(*, line: BankStatementLine, customer_id: int) -> list[dict]:
    """The customer's open invoices for the clerk's edit form, each with the amount to apply:
    the line's own allocations when it is this customer's already, else a fresh proposal over
    what the statement's other undecided lines of that customer leave open."""
    held = defaultdict(lambda: ZERO)
    for other in BankStatementLine.objects.filter(
        statement_id=line.statement_id, customer_id=customer_id, status__in=[Line.MATCHED, Line.CONFIRMED]
    ).exclude(pk=line.pk):
        for item in other.allocations:
            held[int(item["invoice"])] += Decimal(item["amount"])
    items = [
        item.less(min(held[item.invoice_id], item.balance))
        for item in open_items_of(customer_ids=[customer_id]).get(customer_id, [])
    ]
    if line.customer_id == customer_id and line.allocations:
        chosen = {int(item["invoice"]): Decimal(item["amount"]) for item in line.allocations}
    else:
        chosen = dict(
            allocation_propose(
                invoices=items, amount=max(line.amount, ZERO), reference=line.reference, on=line.booking_date
            )
        )
    return [
        {
            "invoice_id": item.invoice_id,
            "number": item.number,
            "due_date": item.due_date,
            "balance": item.balance,
            "disputed": item.disputed,
            "held": held[item.invoice_id],
            "amount": chosen.get(item.invoice_id),
            "named": referenced(item.number, line.reference),
        }
        for item in items
    ]
