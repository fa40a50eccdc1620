"""Quotation page input: the order entry form plus `valid_until`; the list filters; a decline."""

from __future__ import annotations

from django import forms

from o2c.forms import DateField
from o2c.tables import FilterForm
from orders.forms import ERROR_FIELDS, OrderEntryForm
from quotations.models import Quotation


class QuotationEntryForm(OrderEntryForm):
    """The order entry page's form (the same lines, keyboard and live totals), with a validity."""

    valid_until = DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def quotation_arguments(self) -> dict:
        arguments = self.order_arguments()
        arguments["valid_until"] = self.cleaned_data.get("valid_until")
        return arguments

    def add_domain_error(self, error) -> None:
        if error.field == "valid_until":
            self.add_error("valid_until", error.message)
            return
        if error.field not in ERROR_FIELDS and error.field != "lines":
            self.add_error(None, error.message)
            return
        super().add_domain_error(error)


class QuotationFilterForm(FilterForm):
    q = forms.CharField(
        required=False, label="Number", max_length=30, widget=forms.TextInput(attrs={"placeholder": "QT-…"})
    )
    customer = forms.CharField(
        required=False,
        label="Customer",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Code or name", "type": "search"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Quotation.Status.choices])


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=1000, error_messages={"required": "Give the customer's reason."})
