"""The direct-debit pages' forms: a mandate, a revocation, a collection run, the mandates filter."""

from __future__ import annotations

from django import forms

from o2c.errors import DomainError
from o2c.forms import BootstrapForm, DateField
from o2c.tables import FilterForm
from receivables.directdebit.models import Mandate

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _DomainErrors:
    def add_domain_error(self: forms.Form, error: DomainError) -> None:  # type: ignore[misc]
        field = {"customer_id": "customer"}.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, error.message)


class MandateForm(_DomainErrors, BootstrapForm):
    small = True
    customer = forms.CharField(max_length=50, label="Customer code")
    reference = forms.CharField(max_length=35, label="Mandate reference")
    iban = forms.CharField(max_length=50, label="IBAN")
    bic = forms.CharField(
        max_length=20, required=False, label="BIC", help_text="found from the IBAN when blank"
    )
    signed_on = DateField(label="Signed on", widget=_DATE)
    debtor_name = forms.CharField(
        max_length=70, required=False, label="Account holder", help_text="default: the customer's name"
    )
    scheme = forms.ChoiceField(choices=Mandate.Scheme.choices, initial=Mandate.Scheme.CORE)


class RevokeForm(BootstrapForm):
    small = True
    reason = forms.CharField(max_length=300)


class RunForm(_DomainErrors, BootstrapForm):
    small = True
    due_by = DateField(label="Invoices due by", widget=_DATE)
    collection_date = DateField(label="Collect on", widget=_DATE)
    scheme = forms.ChoiceField(choices=Mandate.Scheme.choices, initial=Mandate.Scheme.CORE)


class MandateFilterForm(FilterForm):
    q = forms.CharField(
        required=False, label="Search", widget=forms.TextInput(attrs={"placeholder": "Customer or reference"})
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Mandate.Status.choices])
