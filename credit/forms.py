"""Credit forms: the company's credit settings (the risk threshold)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from o2c.forms import BootstrapForm

_ASCII_DIGITS = re.compile(r"[0-9]{1,3}\Z")


class ScoreField(forms.IntegerField):
    """A score 0–100 typed as ASCII digits (int() would take "٣" or "1_0")."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _ASCII_DIGITS.match(text):
            raise forms.ValidationError("Enter a whole number from 0 to 100.", code="invalid")
        return int(text)


class CreditSettingsForm(BootstrapForm):
    risk_threshold = ScoreField(
        required=False,
        min_value=0,
        max_value=100,
        label="Risk threshold",
        help_text="Hold the orders of customers whose risk score is above this (0–100). Empty: off.",
        widget=forms.NumberInput(attrs={"accesskey": "r", "inputmode": "numeric"}),
    )
