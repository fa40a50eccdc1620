from django import forms

from o2c.forms import BootstrapForm, DateField
from o2c.tables import FilterForm


class AsOfForm(forms.Form):
    as_of = DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )


class JournalFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Search",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "entry, memo or reference"}),
    )
    source = forms.CharField(required=False)
    account = forms.CharField(required=False, help_text="code or key")
    date_from = DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))


class LockDateForm(BootstrapForm):
    lock_date = DateField(
        required=False,
        label="Lock date",
        help_text="nothing is posted on or before this day; empty: no lock (a manager's decision)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
