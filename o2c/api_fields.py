"""The API's input fields and filters, over o2c/parsing.py: every id, date, amount, quantity and
text the API reads is parsed by the same helpers as the pages and the bank files, so odd input
(Unicode digits, NUL and control characters, years outside 1900–2200, amounts beyond what every sum
can hold, `NaN`) is a 400 naming the field, never a 500.

Serializers use these fields instead of DRF's `IntegerField` (ids), `DateField`, `DateTimeField`,
`DecimalField` and `CharField`; filter sets derive from `FilterSet` here, whose defaults map
foreign keys, ids and dates to the parsing filters (the API's filter backend builds the automatic
ones from it too).
"""

from __future__ import annotations

import codecs
import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import IO, Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django_filters import rest_framework as drf_filters
from rest_framework import exceptions, parsers, serializers
from rest_framework.parsers import get_encoding  # type: ignore[attr-defined]  # not in the stubs
from rest_framework.utils import json

from o2c.errors import DomainError, KernelErrorCode
from o2c.parsing import (
    MAX_AMOUNT,
    MAX_ID,
    MAX_QUANTITY,
    date_check,
    parse_date,
    parse_decimal,
    parse_id,
    parse_optional_date,
    parse_optional_id,
    text_check,
)

# JSON bodies nest no deeper than this (an order is 3 levels deep); deeper is a 400.
MAX_JSON_DEPTH = 32


def _parsed(parse: Callable[..., Any], value: Any, **kwargs: Any) -> Any:
    """Run a parsing helper, its DomainError becoming this field's validation error."""
    try:
        return parse(value, field="value", **kwargs)
    except DomainError as error:
        raise serializers.ValidationError(error.message, code=error.code) from None


# ── serializer fields ───────────────────────────────────────────────────────────────────────────


class IdField(serializers.IntegerField):
    """A primary key: a positive integer (or its ASCII digits) within a bigint."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        return cast(int, _parsed(parse_id, data))


class DateField(serializers.DateField):
    """A date as `YYYY-MM-DD` in ASCII digits, in the years 1900–2200; written zero-padded."""

    def to_internal_value(self, value: Any) -> datetime.date:
        if isinstance(value, datetime.datetime):
            self.fail("datetime")
        return cast(datetime.date, _parsed(parse_date, value))

    def to_representation(self, value: Any) -> Any:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        return super().to_representation(value)


class DateTimeField(serializers.DateTimeField):
    """DRF's ISO 8601 date and time, in the years 1900–2200, written in UTC (`…Z`) as API.md has it
    whatever the company's time zone; a naive input is read as UTC. The request itself runs on
    company time, so its "today" (`timezone.localdate()`) is the company's day, as on the pages.
    Every model `DateTimeField` of a `ModelSerializer` maps here (`O2CConfig.ready`)."""

    def default_timezone(self) -> datetime.tzinfo:  # type: ignore[override]  # stubs say str
        return datetime.UTC

    def to_internal_value(self, value: Any) -> datetime.datetime:
        if isinstance(value, str):
            text_check(value, field=self.field_name or "value")
        parsed = super().to_internal_value(value)
        _parsed(date_check, parsed)
        return parsed


class ParsedDecimalField(serializers.DecimalField):
    """A decimal parsed by `parse_decimal`: a string (or int) of ASCII digits, finite, with at most
    `decimal_places` decimals, between `min_value` and `max_value`. API.md's form is a string; a
    JSON number arrives as the Decimal it spells (`JSONParser` below), never through a float."""

    def __init__(self, *, maximum: Decimal, places: int, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", maximum)
        whole_digits = len(str(int(kwargs["max_value"])))
        super().__init__(max_digits=whole_digits + places, decimal_places=places, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        minimum = self.min_value if self.min_value is not None else -cast(Decimal, self.max_value)
        return cast(
            Decimal,
            _parsed(parse_decimal, data, places=self.decimal_places, maximum=self.max_value, minimum=minimum),
        )


class AmountField(ParsedDecimalField):
    """A money amount: two decimals, at most `MAX_AMOUNT`; more than zero unless `min_value` says."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(maximum=MAX_AMOUNT, places=2, **kwargs)


class QuantityField(ParsedDecimalField):
    """A quantity: three decimals, at most `MAX_QUANTITY`; more than zero unless `min_value` says."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0.001"))
        super().__init__(maximum=MAX_QUANTITY, places=3, **kwargs)


class PercentField(ParsedDecimalField):
    """A percentage from 0 to 100 with two decimals (a tax rate, a discount)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(maximum=Decimal("100"), places=2, **kwargs)


class TextField(serializers.CharField):
    """DRF's `CharField`, refusing control characters (line breaks and tabs when `multiline`)."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):  # DRF would write a number as its digits: not text
            self.fail("invalid")
        value = super().to_internal_value(data)
        return cast(str, _parsed(text_check, value, multiline=self.multiline))


class IdOrCodeField(TextField):
    """A reference that is a document's id (a number, or ASCII digits) or its code or number, read
    by the view with `parsing.parse_id_or_code`; its own class so that the schema can say so."""

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        return super().to_internal_value(data)


# ── filters ─────────────────────────────────────────────────────────────────────────────────────


def _form_parsed(parse: Callable[..., Any], value: Any) -> Any:
    try:
        return parse(value, field="value")
    except DomainError as error:
        raise DjangoValidationError(error.message, code=error.code) from None


class IdFormField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        return cast(int | None, _form_parsed(parse_optional_id, value))


class IdChoiceFormField(django_filters.fields.ModelChoiceField):
    """A related object by id: an id that names none is `does_not_exist`, as in a body (a filter
    by a customer that is not there is refused, not read as "no filter")."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values or (self.null_label is not None and value == self.null_value):
            return super().to_python(value)
        number = _form_parsed(parse_id, value)
        try:
            return super().to_python(str(number))
        except DjangoValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise DjangoValidationError(
                f"no such {self.queryset.model._meta.verbose_name} {number}",
                code=KernelErrorCode.DOES_NOT_EXIST,
            ) from None


class DateFormField(forms.DateField):
    def to_python(self, value: Any) -> datetime.date | None:
        return cast(datetime.date | None, _form_parsed(parse_optional_date, value))


class IdFilter(django_filters.NumberFilter):
    """`?customer=12`: an id, parsed by `parse_id`."""

    field_class = IdFormField


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A foreign key by id (`?customer=12`), an unknown id a 400 naming the parameter."""

    field_class = IdChoiceFormField


class DateFilter(django_filters.DateFilter):
    """A date as `YYYY-MM-DD`, in the years 1900–2200."""

    field_class = DateFormField


_FILTER_DEFAULTS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    **drf_filters.FilterSet.FILTER_DEFAULTS,
    models.AutoField: {"filter_class": IdFilter},
    models.BigAutoField: {"filter_class": IdFilter},
    models.DateField: {"filter_class": DateFilter},
}
for _relation in (models.ForeignKey, models.OneToOneField):
    _FILTER_DEFAULTS[_relation] = {**drf_filters.FilterSet.FILTER_DEFAULTS[_relation]}
    _FILTER_DEFAULTS[_relation]["filter_class"] = IdChoiceFilter


class FilterSet(drf_filters.FilterSet):
    """The API's filter sets: ids, foreign keys and dates through the parsing helpers."""

    FILTER_DEFAULTS = _FILTER_DEFAULTS


class FilterBackend(drf_filters.DjangoFilterBackend):
    """`DjangoFilterBackend` whose automatic filter sets (`filterset_fields`) derive from ours, and
    whose yes/no filters read `true` or `false` only: django-filter takes any other word for "no
    filter", so `?blocked=no` listed every customer (decision 0043). Empty means no filter."""

    filterset_base = FilterSet

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        for name, found in filterset.filters.items() if filterset is not None else ():
            value = filterset.data.get(name)
            if isinstance(found, django_filters.BooleanFilter) and value not in (None, "", "true", "false"):
                raise exceptions.ValidationError(
                    {name: ["must be true or false"]}, code=KernelErrorCode.INVALID
                )
        return filterset


# ── bodies ──────────────────────────────────────────────────────────────────────────────────────


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing (400) what no field can hold and what would crash the server:
    nesting deeper than `MAX_JSON_DEPTH` (Python's decoder recurses), and NUL in any string
    (PostgreSQL text cannot hold it)."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        encoding = get_encoding(parser_context or {})
        try:
            # A JSON number with a fraction becomes the Decimal it spells, never a float: `12.5`
            # reaches an amount field as exactly Decimal("12.5") (strings stay the documented form).
            data = json.load(
                codecs.getreader(encoding)(stream),  # type: ignore[arg-type]  # a text stream
                parse_float=Decimal,
                parse_constant=json.strict_constant,  # NaN and Infinity are not numbers here
            )
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise exceptions.ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
        _json_check(data)
        return data


def _json_check(data: Any) -> None:
    """Walk `data` without recursion: depth and NUL bytes."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise exceptions.ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(value, dict):
            pending.extend((key, depth) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and "\x00" in value:
            raise exceptions.ParseError("JSON strings may not contain NUL characters")


class InvoiceLinePartIn(serializers.Serializer[Any]):
    """A part of an invoice line, by quantity or by gross amount (never both): what a credit note
    credits or a dispute disputes of the line."""

    invoice_line = IdField()
    quantity = QuantityField(required=False)
    amount = AmountField(required=False, help_text="gross, tax included")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("quantity" in attrs) == ("amount" in attrs):
            raise serializers.ValidationError(
                "give the quantity or the amount of the line", code=KernelErrorCode.QUANTITY_OR_AMOUNT
            )
        return attrs
