"""Worklist row forms: log an activity (call, e-mail, note, with a follow-up date) and take a
promise to pay on the customer's account."""

from __future__ import annotations

from django import forms

from o2c.forms import AmountField, BootstrapForm, DateField
from receivables.collections.models import Activity

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityForm(BootstrapForm):
    small = True
    kind = forms.ChoiceField(choices=Activity.Kind.choices, initial=Activity.Kind.CALL)
    note = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = DateField(required=False, label="Follow up on", widget=_DATE)


class PromiseForm(BootstrapForm):
    small = True
    amount = AmountField()
    promised_on = DateField(label="Promised for", widget=_DATE)
    note = forms.CharField(max_length=4000, required=False)


class EmailForm(BootstrapForm):
    """The collector's e-mail with the statement attached: the template's text, editable."""

    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        max_length=20_000, widget=forms.Textarea(attrs={"rows": 18, "autofocus": True}), strip=False
    )
    follow_up_on = DateField(required=False, label="Follow up on", widget=_DATE)
