"""The report pages' forms: the date, the window of days, the DSO's CEI period, the aging's
search and sort; the API reads the same bounds."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from o2c.errors import DomainError
from o2c.forms import BootstrapForm, DateField
from reporting.vat import vat_period_clean

DEFAULT_DAYS = 90
DAYS_MAX = 3650
# Dates the reports can compute on (a window of `days` before, a day after), well beyond any books.
AS_OF_MIN = date(1900, 1, 1)
AS_OF_MAX = date(2999, 12, 31)
DEFAULT_SORT = "-total"


def date_validators() -> list:
    return [MinValueValidator(AS_OF_MIN), MaxValueValidator(AS_OF_MAX)]


def _date_field(label: str, **attrs) -> DateField:
    return DateField(
        required=False,
        label=label,
        validators=date_validators(),
        widget=forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d"),
    )


def _days_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=DAYS_MAX,
        label="Days",
        widget=forms.NumberInput(attrs={"class": "w-6rem", "accesskey": "y"}),
    )


class AsOfForm(BootstrapForm):
    small = True
    as_of = _date_field("As of", accesskey="d")


class AgingForm(AsOfForm):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Customer",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "code or name", "accesskey": "f", "autofocus": True}
        ),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


class AsOfFirstForm(AsOfForm):
    """The date has the focus when the page opens."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].widget.attrs["autofocus"] = True


class WindowForm(AsOfFirstForm):
    days = _days_field()


class DSOForm(WindowForm):
    cei_from = _date_field("CEI from")
    cei_to = _date_field("CEI to")

    def clean(self):
        """The CEI period defaults to the DSO window (`days` days ending on `as_of`)."""
        data = super().clean()
        as_of, days = data.get("as_of"), data.get("days")
        if as_of and days:
            data["cei_from"] = data.get("cei_from") or as_of - timedelta(days=days - 1)
            data["cei_to"] = data.get("cei_to") or as_of
        start, end = data.get("cei_from"), data.get("cei_to")
        if start and end and start > end:
            self.add_error("cei_from", "The CEI period must start on or before its last day.")
        return data


def form_bound(form_class, request, **defaults):
    """The form bound to the query string, its blanks filled with `defaults` (so that the page
    shows the dates it computed on)."""
    data = request.GET.copy()
    for name, value in defaults.items():
        if not data.get(name):
            data[name] = value
    return form_class(data)


class VatForm(BootstrapForm):
    """The VAT report's period (`from` is a Python keyword: the fields are declared below)."""

    def clean(self):
        data = super().clean()
        try:
            data["from"], data["to"] = vat_period_clean(date_from=data.get("from"), date_to=data.get("to"))
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


VatForm.base_fields = {"from": _date_field("From", accesskey="f"), "to": _date_field("To")}


FORECAST_WEEKS_MAX = 26


class AsciiIntegerField(forms.IntegerField):
    """An integer typed in ASCII digits only ("٣" is refused, not read as 3)."""

    def to_python(self, value):
        if (
            isinstance(value, str)
            and value.strip()
            and not (value.strip().isascii() and value.strip().isdigit())
        ):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def forecast_weeks_field() -> forms.IntegerField:
    return AsciiIntegerField(
        required=False,
        min_value=1,
        max_value=FORECAST_WEEKS_MAX,
        label="Weeks",
        widget=forms.NumberInput(attrs={"class": "w-6rem", "accesskey": "w"}),
    )


class ForecastForm(AsOfFirstForm):
    """The cash forecast's date (what was known then) and its horizon in weeks."""

    weeks = forecast_weeks_field()
