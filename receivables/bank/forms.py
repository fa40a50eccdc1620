"""Bank statement page forms: the upload, the column mapping of a new CSV layout, and the filter
bars of the statements and of a statement's lines."""

from __future__ import annotations

from django import forms
from django.conf import settings

from customers.selectors import customer_currencies
from o2c.errors import DomainError
from o2c.forms import BootstrapForm
from o2c.tables import FilterForm
from receivables.bank.files import DATE_FORMATS, CsvMapping
from receivables.bank.models import BankStatement, BankStatementLine


def _currency_choices() -> list[tuple[str, str]]:
    currencies = sorted({settings.O2C_BASE_CURRENCY, *customer_currencies()})
    return [(code, code) for code in currencies]


class UploadForm(BootstrapForm):
    small = True
    file = forms.FileField(label="Statement file", help_text="CSV export or CAMT.053 XML")
    currency = forms.ChoiceField(label="Currency (CSV)", help_text="CAMT.053 files give their own")
    remap = forms.BooleanField(label="Check the column mapping again", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = _currency_choices()
        self.fields["currency"].initial = settings.O2C_BASE_CURRENCY
        self.fields["file"].widget.attrs.update(
            {"accept": ".csv,.txt,.xml,text/csv,text/xml", "autofocus": True}
        )


class MappingForm(BootstrapForm):
    small = True
    date_column = forms.ChoiceField(label="Date")
    date_format = forms.ChoiceField(label="Date format", choices=[(k, v) for k, v in DATE_FORMATS.items()])
    amount_column = forms.ChoiceField(label="Amount")
    decimal_comma = forms.BooleanField(label="Decimal comma (1.234,56)", required=False)
    reference_column = forms.ChoiceField(label="Reference")
    counterparty_column = forms.ChoiceField(label="Counterparty", required=False)
    name = forms.CharField(label="Bank or layout name", max_length=100, required=False)
    currency = forms.ChoiceField(label="Currency")

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", "— choose —"), *((name, name) for name in header)]
        for name in ("date_column", "amount_column", "reference_column"):
            self.fields[name].choices = columns
        self.fields["counterparty_column"].choices = [("", "— none —"), *columns[1:]]
        self.fields["currency"].choices = _currency_choices()
        self.fields["date_column"].widget.attrs["autofocus"] = True

    def mapping(self) -> CsvMapping:
        data = self.cleaned_data
        return CsvMapping(
            date_column=data["date_column"],
            amount_column=data["amount_column"],
            reference_column=data["reference_column"],
            counterparty_column=data.get("counterparty_column") or "",
            date_format=data["date_format"],
            decimal_comma=bool(data.get("decimal_comma")),
        )


def field_error(form: forms.Form, refusal: DomainError) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


class StatementFilterForm(FilterForm):
    """The statements list's filter bar: the file name, the statement's status."""

    q = forms.CharField(
        required=False,
        label="File",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "file name"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *BankStatement.Status.choices])


class LineFilterForm(FilterForm):
    """The statement's lines: a search over counterparty and references; the status tabs above
    the lines set `status`, which a search keeps."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "counterparty or reference"}),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", ""), *BankStatementLine.Status.choices], widget=forms.HiddenInput
    )
