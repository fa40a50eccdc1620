"""Dunning page forms: the preview date and the notice list filter."""

from __future__ import annotations

from django import forms

from o2c.forms import BootstrapForm, DateField
from o2c.tables import FilterForm


class PreviewForm(BootstrapForm):
    small = True
    as_of = DateField(
        required=False,
        label="As of",
        widget=forms.DateInput(
            attrs={"type": "date", "autofocus": True, "accesskey": "d"}, format="%Y-%m-%d"
        ),
    )


class NoticeFilterForm(FilterForm):
    customer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Customer")
    level = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Level")

    def __init__(self, *args, customers, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "All customers")] + [
            (customer.pk, f"{customer.code} · {customer.name}") for customer in customers
        ]
        self.fields["level"].choices = [("", "All levels")] + [
            (level.pk, f"{level.level} · {level.name}") for level in levels
        ]
