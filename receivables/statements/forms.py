"""Statement page forms: the period (?from=&to=, as the API names them) and a new portal link."""

from __future__ import annotations

from django import forms

from o2c.forms import BootstrapForm, DateField


def _date_field(label: str) -> DateField:
    return DateField(required=False, label=label, widget=forms.DateInput(attrs={"type": "date"}))


# `from` is a Python keyword: the form is built with type() so that its fields match the query
# parameters the API uses (?from=&to=).
StatementPeriodForm = type(
    "StatementPeriodForm",
    (BootstrapForm,),
    {"small": True, "from": _date_field("From"), "to": _date_field("To")},
)


class PortalLinkForm(BootstrapForm):
    small = True
    days = forms.IntegerField(
        min_value=1,
        max_value=366,
        label="Valid for (days)",
        widget=forms.NumberInput(attrs={"accesskey": "d"}),
    )
