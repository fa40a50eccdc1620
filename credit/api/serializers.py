"""The credit settings resource (decision 0067)."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from o2c.api_fields import DateTimeField

_DIGITS = re.compile(r"[0-9]{1,3}\Z")


class ScoreField(serializers.IntegerField):
    """A score 0–100: a JSON integer or its ASCII digits (not "٣", not true, not 1.5)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and _DIGITS.match(data))
        ):
            self.fail("invalid")
        return super().to_internal_value(data)


class CreditSettingsIn(serializers.Serializer):
    risk_threshold = ScoreField(
        min_value=0,
        max_value=100,
        allow_null=True,
        help_text="hold the orders of customers whose stored risk score is above this; null: off",
    )


class CreditSettingsOut(serializers.Serializer):
    risk_threshold = serializers.IntegerField(allow_null=True)
    updated_by = serializers.CharField(source="updated_by.username", allow_null=True, default=None)
    updated_at = DateTimeField(allow_null=True)
