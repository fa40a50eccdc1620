from django import forms

from o2c.forms import BootstrapForm, DateField
from o2c.tables import FilterForm


class RateFilterForm(FilterForm):
    currency = forms.CharField(required=False, max_length=3)


class RateForm(BootstrapForm):
    currency = forms.CharField(max_length=3, help_text="ISO 4217, e.g. USD")
    rate = forms.CharField(max_length=30, help_text="units of the currency per one base unit")
    valid_on = DateField(label="Valid from", widget=forms.DateInput(attrs={"type": "date"}))


class EcbUploadForm(BootstrapForm):
    file = forms.FileField(help_text="eurofxref.csv or eurofxref-hist.csv, as the ECB publishes them")
