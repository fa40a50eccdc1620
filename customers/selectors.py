"""Customer reads: the filtered list, one customer, and its change history from the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import pghistory.models
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet

from customers.models import Customer, CustomerExposure
from o2c.money import ZERO_CENTS, round_places

# Column names a list may be sorted by (API `?ordering=` and the page's sortable headers).
ORDERING_FIELDS = (
    "code",
    "name",
    "email",
    "currency",
    "payment_terms_days",
    "credit_limit",
    "blocked",
    "created_at",
)
# Bookkeeping columns left out of the change history: they change with every save.
_HISTORY_HIDDEN = {"updated_at", "created_at", "id"}


def customer_list(
    *, filters: dict[str, Any] | None = None, search: str | None = None, ordering: str | None = None
) -> QuerySet[Customer]:
    """Customers matching `filters` (`code`, `blocked`, `currency`) and `search` (code, name,
    e-mail or VAT number, case-insensitive), sorted by `ordering` (one of ORDERING_FIELDS,
    optionally with a leading "-"), then by code."""
    customers = Customer.objects.all()
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if name == "code":
            customers = customers.filter(code__iexact=value)
        elif name in ("blocked", "currency"):
            customers = customers.filter(**{name: value})
        else:
            raise ValueError(f"unknown customer filter {name}")
    if search:
        customers = customers.filter(
            Q(code__icontains=search)
            | Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(vat_number__icontains=search)
        )
    if ordering and ordering.lstrip("-") in ORDERING_FIELDS:
        return customers.order_by(ordering, "code")
    return customers.order_by("name", "code")


def customer_get(*, customer_id: int) -> Customer:
    return Customer.objects.get(pk=customer_id)


def customer_codes_existing(*, codes: Iterable[str]) -> set[str]:
    """Those of `codes` that a customer has."""
    wanted = sorted(set(codes))
    found: set[str] = set()
    for start in range(0, len(wanted), 5000):
        found.update(
            Customer.objects.filter(code__in=wanted[start : start + 5000]).values_list("code", flat=True)
        )
    return found


def customers_by_code(*, codes: Iterable[str]) -> dict[str, Customer]:
    """The customers of `codes` (those that exist), by code: what an import matches rows to."""
    wanted = sorted(set(codes))
    found: dict[str, Customer] = {}
    for start in range(0, len(wanted), 5000):
        found.update(
            (customer.code, customer)
            for customer in Customer.objects.filter(code__in=wanted[start : start + 5000])
        )
    return found


# A customer's credit position (balance, exposure, headroom…) is for credit to say: master data
# imports no stage, so credit hands its reader in at start-up (credit/apps.py; decision 0040).
PositionsReader = Callable[..., dict[int, Any]]
_positions_reader: PositionsReader | None = None


def positions_reader_set(reader: PositionsReader) -> None:
    """Install the reader of credit positions (`reader(customers=[...])` → {customer id: position})."""
    global _positions_reader
    _positions_reader = reader


def customers_with_positions(*, customers: Sequence[Customer]) -> list[Customer]:
    """`customers`, each with `credit_position` (balance, exposure, headroom…) set, read for all of
    them at once by the credit selectors: a page of customers costs a fixed number of queries."""
    if _positions_reader is None:
        raise RuntimeError("no reader of credit positions: is the credit app installed?")
    customers = list(customers)
    positions = _positions_reader(customers=customers) if customers else {}
    for customer in customers:
        customer.credit_position = positions[customer.pk]  # type: ignore[attr-defined]
    return customers


def customer_currencies() -> list[str]:
    """The currencies customers are billed in, for a filter."""
    return list(Customer.objects.order_by("currency").values_list("currency", flat=True).distinct())


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


def _history_value(name: str, value: Any) -> Any:
    """The audit trail stores rows as JSON, where 1500.00 reads back as the float 1500.0: amounts
    are turned back into exact Decimals with their column's places."""
    if value is None:
        return None
    try:
        model_field = Customer._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if isinstance(model_field, models.DecimalField):
        return round_places(Decimal(str(value)), model_field.decimal_places)
    return value


_LABELS = {"vat_number": "VAT number", "email": "E-mail", "payment_terms_days": "Payment terms (days)"}


def _history_label(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    try:
        field = Customer._meta.get_field(name)
        return str(field.verbose_name).capitalize()  # type: ignore[union-attr]  # a column
    except FieldDoesNotExist:
        return name


@dataclass(frozen=True)
class CustomerChange:
    """One event of the audit trail: who changed what, when, from where."""

    at: datetime
    label: str  # "insert" or "update"
    user_id: int | None
    username: str | None
    url: str | None
    changes: list[FieldChange] = field(default_factory=list)


def customer_history(*, customer: Customer) -> list[CustomerChange]:
    """The customer's audit trail, newest first, with user names resolved in one query."""
    events = list(pghistory.models.Events.objects.tracks(customer).order_by("-pgh_created_at", "-pgh_id"))
    user_ids = {
        (event.pgh_context or {}).get("user") for event in events if (event.pgh_context or {}).get("user")
    }
    usernames: dict[Any, str] = dict(
        get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username") if user_ids else []
    )
    history = []
    for event in events:
        context = event.pgh_context or {}
        diff = event.pgh_diff or {}
        changes = [
            FieldChange(
                field=name,
                label=_history_label(name),
                old=_history_value(name, values[0]),
                new=_history_value(name, values[1]),
            )
            for name, values in sorted(diff.items())
            if name not in _HISTORY_HIDDEN
        ]
        if event.pgh_label == "update" and not changes:
            continue  # a save that changed nothing the user sees
        user_id = context.get("user")
        history.append(
            CustomerChange(
                at=event.pgh_created_at,
                label=event.pgh_label,
                user_id=user_id,
                username=usernames.get(user_id),
                url=context.get("url"),
                changes=changes,
            )
        )
    return history


def exposures_kept(*, customer_ids: Iterable[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """The kept (open receivables, open orders) per customer; zeros for one without movements yet
    (customers/models.py `CustomerExposure`)."""
    ids = list(customer_ids)
    rows = dict.fromkeys(ids, (ZERO_CENTS, ZERO_CENTS))
    for customer_id, receivables, orders in CustomerExposure.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "open_receivables", "open_orders"
    ):
        rows[customer_id] = (receivables, orders)
    return rows


def exposures_kept_with(*, customer_id: int, **columns: Any) -> tuple[Decimal, Decimal, dict[str, Any]]:
    """`exposures_kept` of one customer and the other `columns` (expressions over the customer
    row, `OuterRef("pk")`) in one statement: the kept (open receivables, open orders) and a dict
    of the columns."""
    kept = CustomerExposure.objects.filter(customer_id=models.OuterRef("pk"))
    money = CustomerExposure._meta.get_field("open_receivables")
    row = (
        Customer.objects.filter(pk=customer_id)
        .annotate(
            kept_receivables=models.Subquery(kept.values("open_receivables"), output_field=money),
            kept_orders=models.Subquery(kept.values("open_orders"), output_field=money),
            **columns,
        )
        .values("kept_receivables", "kept_orders", *columns)
        .get()
    )
    receivables, orders = row.pop("kept_receivables"), row.pop("kept_orders")
    return (
        ZERO_CENTS if receivables is None else receivables,
        ZERO_CENTS if orders is None else orders,
        row,
    )


def customer_ids_all() -> list[int]:
    return list(Customer.objects.order_by("pk").values_list("pk", flat=True))
