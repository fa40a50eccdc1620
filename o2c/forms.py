"""Form helpers shared by the pages of every app: the Bootstrap base form, the fields every id,
date, amount and quantity a page reads goes through (`o2c.parsing` behind each), and helpers for
the query parameters a view reads without a form.

A page refuses odd input as a class: Unicode digits that pass `isdigit()`, ids beyond a bigint,
years outside 1900–2200, amounts beyond `MAX_AMOUNT`, NUL and control characters are a form
error naming the field, or a filter left out, never a 500."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

from o2c import parsing
from o2c.errors import DomainError


class BootstrapForm(forms.Form):
    """Bootstrap's classes on every widget; invalid fields marked for the eye and the screen reader."""

    small = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        size = "-sm" if self.small else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = f"form-select form-select{size}" if size else "form-select"
            else:
                css = f"form-control form-control{size}" if size else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                described_by = [f"{self[name].auto_id}-errors"]
                if self.fields[name].help_text:
                    described_by.append(f"{self[name].auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(described_by)


# ── fields ───────────────────────────────────────────────────────────────────────────────────────


class IdField(forms.IntegerField):
    """A primary key (usually a hidden input): ASCII digits that fit a bigint, or a form error."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return parsing.parse_id(value, field="")
        except DomainError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class DateField(forms.DateField):
    """A date in the years every report, statement and document supports (1900–2200), so no
    `date ± timedelta` further down can overflow."""

    def to_python(self, value: Any) -> date | None:
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return parsing.date_check(value, field="")
        except DomainError:
            raise forms.ValidationError(
                f"Enter a date between {parsing.MIN_YEAR} and {parsing.MAX_YEAR}.", code="date_range"
            ) from None


class _BoundedDecimalField(forms.DecimalField):
    """A decimal parsed by `o2c.parsing` (ASCII digits, finite, in bounds) before Django's checks."""

    default_maximum = parsing.MAX_AMOUNT

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", self.default_maximum)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs give DecimalField IntegerField's
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip()
        try:
            return parsing.parse_decimal(
                value,
                field="",
                places=self.decimal_places if self.decimal_places is not None else 2,
                maximum=max(
                    self.default_maximum, cast(Decimal, self.max_value or 0)
                ),  # the field's own range: its validators
            )
        except DomainError as error:
            code = "max_value" if "between" in error.message else "invalid"
            if "decimals" in error.message:
                code = "max_decimal_places"
            message = self.error_messages.get(code, self.error_messages["invalid"])
            params = {"limit_value": self.max_value, "max": self.decimal_places}
            raise forms.ValidationError(message, code=code, params=params) from None


class AmountField(_BoundedDecimalField):
    """Money: two decimals at most, within `MAX_AMOUNT` (what every sum of amounts can hold)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


class QuantityField(_BoundedDecimalField):
    """A quantity: three decimals at most, within `MAX_QUANTITY`."""

    default_maximum = parsing.MAX_QUANTITY

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(**kwargs)


# ── query parameters read without a form ─────────────────────────────────────────────────────────


def param_id(data: QueryDict | Mapping[str, Any], name: str) -> int | None:
    """An optional id from `request.GET` or `request.POST`; anything but an id counts as absent
    (a filter or a preselection left out)."""
    try:
        return parsing.parse_optional_id(data.get(name), field=name)
    except DomainError:
        return None


def id_suffix(name: str, prefix: str) -> int | None:
    """The id at the end of an input named `<prefix><id>` (`apply_17`, `alloc-17`); None for other
    names and when the rest is not an id (`apply_²`, `apply_1x`, thirty digits)."""
    if not name.startswith(prefix):
        return None
    try:
        return parsing.parse_id(name[len(prefix) :], field=name)
    except DomainError:
        return None


def param_next(request: HttpRequest, *, default: str) -> str:
    """Where to go back to after a POST (`next`): a path on this site, else `default`. Only a path
    is taken (never a view name for `redirect` to reverse, nor another host)."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not any(unicodedata.category(char)[0] in ("C", "Z") for char in target)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def param_date(data: QueryDict | Mapping[str, Any], name: str) -> date | None:
    """An optional `YYYY-MM-DD` date in the supported years; anything else counts as absent."""
    try:
        return parsing.parse_optional_date(data.get(name), field=name)
    except DomainError:
        return None


def param_text(data: QueryDict | Mapping[str, Any], name: str, *, max_length: int = 200) -> str:
    """Free text such as a type-ahead search, stripped; text with NUL or another control
    character (which PostgreSQL refuses, or no name holds) counts as empty."""
    value = (data.get(name) or "").strip()[:max_length]
    try:
        return parsing.text_check(value, field=name)
    except DomainError:
        return ""
