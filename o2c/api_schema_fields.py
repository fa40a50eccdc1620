"""What the input fields really accept, in the schema (decision 0043).

A schema that says less than the parser checks lets a client (and schemathesis) send what is
refused: a date in year 1, an amount of `""` or with three decimals, a name of blank spaces, a NUL.
These drf-spectacular extensions describe, for request bodies, the rules of `o2c/parsing.py` that
`o2c/api_fields.py` applies, and DRF's own for every `CharField`:

- text: no NUL or lone surrogate (DRF), no control character (`TextField`, line breaks allowed
  when `multiline`), and something other than spaces when blank is not allowed (DRF trims);
- dates (`DateField`): `YYYY-MM-DD` in the years 1900–2200;
- decimals (`AmountField`, `QuantityField`, `PercentField`): a string of ASCII digits with at most
  the field's decimals, within its bounds, or the same as a JSON number (API.md writes strings;
  the parser reads a number as the decimal it spells).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from o2c.parsing import MAX_ID, MAX_YEAR, MIN_YEAR

# Python's `str.strip()` drops these around a value before it is read (DRF's trim, parse_decimal).
SPACE = "\\s"
# The characters refused. Lone surrogates (DRF and `text_check` refuse them too) are not written:
# a JSON Schema string is made of Unicode scalar values, which they are not, and a surrogate range
# in a class makes schemathesis' generator ignore the whole pattern.
NUL = "\\u0000"
CONTROL = "\\u0000-\\u001f\\u007f-\\u009f"  # Unicode Cc (text_check)
CONTROL_BUT_LINE_BREAKS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"


def text_pattern(*, refused: str, blank: bool) -> str:
    """Text without the `refused` characters, with one that is not a space unless `blank`. When
    blank is allowed, drf-spectacular adds the empty string as a `oneOf` branch of its own, so the
    pattern asks for one character (else `""` would match both branches, which `oneOf` refuses)."""
    if blank:
        return f"^[^{refused}]+$"
    return f"^[^{refused}]*[^{refused}{SPACE}][^{refused}]*$"


# `YYYY-MM-DD` in the years MIN_YEAR … MAX_YEAR (with `format: date`, a real day)
assert (MIN_YEAR, MAX_YEAR) == (1900, 2200), "update the pattern with the years"
DATE_PATTERN = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$"


def decimal_pattern(*, whole: int, places: int, positive: bool, negative: bool, power: bool = False) -> str:
    """The strings `parse_decimal` reads as a number with at most `whole` digits before the point
    and `places` after it: more than zero when `positive`, of any sign when `negative`. With
    `power`, the largest is 10^(whole-1) (100 for a percentage) instead of `whole` nines."""
    digits, point = "[0-9]", "\\."
    fraction = f"({point}{digits}{{0,{places}}})?"
    free = whole - 1 if power else whole  # the digits any value may have
    if positive:  # a non-zero whole part, or a zero one and a fraction with a non-zero digit
        alternatives = [f"[1-9]{digits}{{0,{free - 1}}}{fraction}"]
        alternatives += [
            f"0?{point}0{{{zeros}}}[1-9]{digits}{{0,{places - zeros - 1}}}" for zeros in range(places)
        ]
    else:
        alternatives = [f"{digits}{{1,{free}}}{fraction}", f"{point}{digits}{{1,{places}}}"]
    if power:
        alternatives.append(f"1{'0' * (whole - 1)}({point}0{{0,{places}}})?")
    sign = "[+-]?" if negative else "\\+?"
    return f"^{SPACE}*{sign}0*({'|'.join(alternatives)}){SPACE}*$"


class CharFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Every DRF `CharField` (and so `TextField`, `EmailField`, …) in a request."""

    target_class = "rest_framework.fields.CharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction != "request" or "pattern" in schema or "enum" in schema or "format" in schema:
            return schema
        field = self.target
        if hasattr(field, "multiline"):  # o2c.api_fields.TextField
            refused = CONTROL_BUT_LINE_BREAKS if field.multiline else CONTROL
        else:
            refused = NUL
        blank = field.allow_blank or not field.trim_whitespace
        schema["pattern"] = text_pattern(refused=refused, blank=blank)
        return schema


class IdOrCodeFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """An id (ASCII digits, not zero) or a code (with something that is not a digit)."""

    target_class = "o2c.api_fields.IdOrCodeField"
    match_subclasses = True
    priority = 1  # before CharFieldExtension

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction != "request":
            return schema
        code = f"[^{CONTROL}]*[^{CONTROL}0-9{SPACE}][^{CONTROL}]*"
        schema["pattern"] = f"^( *0*[1-9][0-9]{{0,17}} *|{code})$"
        if self.target.max_length is not None:  # drf-spectacular bounds only a schema with a `type`
            schema["maxLength"] = self.target.max_length
        described = {key: schema.pop(key) for key in ("description", "nullable") if key in schema}
        return {"anyOf": [schema, {"type": "integer", "minimum": 1, "maximum": MAX_ID}], **described}


class DateFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = "o2c.api_fields.DateField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["pattern"] = DATE_PATTERN
        return schema


class DecimalFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = "o2c.api_fields.ParsedDecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction != "request":
            return schema
        field = self.target
        maximum = Decimal(field.max_value)
        minimum = Decimal(field.min_value) if field.min_value is not None else -maximum
        places = int(field.decimal_places)
        step = Decimal(1).scaleb(-places)
        whole = len(str(int(maximum)))
        power = maximum == 10 ** (whole - 1)
        assert power or maximum == 10**whole - step, f"a bound the pattern cannot say: {maximum}"
        pattern = decimal_pattern(
            whole=whole, places=places, positive=minimum > 0, negative=minimum < 0, power=power
        )
        text = {"type": "string", "format": "decimal", "pattern": pattern}
        number = {
            "type": "number",
            "minimum": float(minimum),
            "maximum": float(maximum),
            "multipleOf": float(step),
        }
        described = {key: schema[key] for key in ("description", "default", "nullable") if key in schema}
        return {"anyOf": [text, number], **described}


class ListExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """A list of lines (`many=True`) or values that may not be empty says `minItems: 1`; its
    `max_length` (an order's 500 lines) says `maxItems`."""

    target_class = "rest_framework.serializers.ListSerializer"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and schema.get("type") == "array":
            if not getattr(self.target, "allow_empty", True):
                schema.setdefault("minItems", 1)
            if getattr(self.target, "max_length", None) is not None:
                schema.setdefault("maxItems", self.target.max_length)
        return schema


class ListFieldExtension(ListExtension):  # type: ignore[no-untyped-call]
    target_class = "rest_framework.fields.ListField"
