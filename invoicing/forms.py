"""Invoicing forms: list filters and the credit note. Forms parse and validate; the views call
the pipeline, which writes (and keeps the last word on what may be credited)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from invoicing.models import Invoice
from invoicing.services import CreditLineInput
from o2c.errors import DomainError
from o2c.forms import AmountField, BootstrapForm, QuantityField
from o2c.tables import FilterForm

FULL, LINES, AMOUNT = "full", "lines", "amount"
UNRELATED = "unrelated"


class InvoiceFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Number",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "INV-… or SO-…"}),
    )
    customer = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Code or name"})
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Invoice.Status.choices])
    overdue = forms.TypedChoiceField(
        required=False,
        choices=[("", "Any"), ("yes", "Overdue"), ("no", "Not overdue")],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )


class CreditNoteFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Number",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "CN-… or INV-…"}),
    )
    customer = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Code or name"})
    )


class CreditNoteForm(BootstrapForm):
    """Three ways to credit an invoice: its whole open balance, quantities of its lines
    (`quantity_<invoice line id>`, each at most what is not yet credited), or a gross amount."""

    mode = forms.ChoiceField(
        choices=[(FULL, "The open balance"), (LINES, "By line"), (AMOUNT, "An amount")],
        initial=FULL,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=500,
        error_messages={"required": "Give the reason for the credit note."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. 2 units returned damaged"}),
        help_text="printed on the credit note: the customer reads it",
    )
    dispute = forms.ChoiceField(
        required=False,
        label="Is this credit note about an open dispute?",
        widget=forms.RadioSelect,
        help_text="linked: the dispute is resolved as credited by this credit note",
    )
    amount = AmountField(
        required=False,
        min_value=Decimal("0.01"),
        label="Amount to credit (gross)",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={"min_value": "The amount to credit must be positive."},
    )

    def __init__(self, *args, invoice: Invoice, lines=(), open_disputes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        self.lines = list(lines)
        self.open_disputes = list(open_disputes)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
        if self.open_disputes:  # the question is asked: nobody is credited twice
            self.fields["dispute"].choices = [
                *(
                    (str(d.pk), f"Yes, dispute {d.pk}: {d.amount} ({d.get_reason_display().lower()})")
                    for d in self.open_disputes
                ),
                (UNRELATED, "No, it is unrelated to the open disputes"),
            ]
            self.fields["dispute"].required = True
            self.fields["dispute"].error_messages["required"] = (
                "This invoice has an open dispute: say whether this credit note answers it."
            )
        else:
            del self.fields["dispute"]
        self.fields["amount"].help_text = (
            f"at most {invoice.creditable} {invoice.currency}, split over the tax rates"
            + (
                f"; beyond the {invoice.balance} open, it goes back to the customer as unapplied cash"
                if invoice.amount_paid
                else ""
            )
        )
        for line in self.lines:
            if line.remaining <= 0:
                continue
            self.fields[f"quantity_{line.pk}"] = QuantityField(
                required=False,
                label=f"Quantity to credit on line {line.position}",
                min_value=Decimal("0"),
                max_value=line.remaining,
                widget=forms.NumberInput(
                    attrs={
                        "step": "any",
                        "inputmode": "decimal",
                        "min": "0",
                        "class": "form-control form-control-sm",
                    }
                ),
                error_messages={"max_value": f"Only {line.remaining.normalize():f} is not yet credited."},
            )

    def rows(self):
        """(invoice line, its quantity field or None when fully credited), in invoice order."""
        return [
            (line, self[f"quantity_{line.pk}"] if f"quantity_{line.pk}" in self.fields else None)
            for line in self.lines
        ]

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("mode")
        for name in list(self._errors):  # what the chosen mode does not use is not checked
            if (name == "amount" and mode != AMOUNT) or (name.startswith("quantity_") and mode != LINES):
                del self._errors[name]
        if mode == AMOUNT and cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", forms.ValidationError("Enter the amount to credit.", code="required"))
        if mode == AMOUNT and cleaned.get("amount") and cleaned["amount"] > self.invoice.creditable:
            paid = f" plus the {self.invoice.amount_paid} paid" if self.invoice.amount_paid else ""
            self.add_error(
                "amount",
                forms.ValidationError(
                    f"At most {self.invoice.creditable} {self.invoice.currency} can be credited on "
                    f"{self.invoice.number}: the {self.invoice.balance} open{paid}.",
                    code="over_balance",
                ),
            )
        if mode == LINES and not self.errors and not self.credit_lines():
            raise forms.ValidationError("Enter a quantity to credit on at least one line.", code="no_lines")
        if mode == FULL and self.invoice.balance <= 0:
            raise forms.ValidationError(f"Nothing remains open on {self.invoice.number}.", code="settled")
        return cleaned

    def credit_lines(self) -> list[CreditLineInput]:
        return [
            CreditLineInput(invoice_line_id=line.pk, quantity=self.cleaned_data[f"quantity_{line.pk}"])
            for line in self.lines
            if self.cleaned_data.get(f"quantity_{line.pk}")
        ]

    def pipeline_arguments(self) -> dict:
        """What `pipeline.credit_note_issue` takes besides the invoice and the user."""
        arguments = {"reason": self.cleaned_data["reason"]}
        link = self.cleaned_data.get("dispute")
        if link == UNRELATED:
            arguments["confirm_unrelated"] = True
        elif link:
            arguments["dispute_id"] = int(link)
            if self.cleaned_data["mode"] == FULL:  # the open balance, as the page says
                arguments["amount"] = self.invoice.balance
        if self.cleaned_data["mode"] == LINES:
            arguments["lines"] = self.credit_lines()
        elif self.cleaned_data["mode"] == AMOUNT:
            arguments["amount"] = self.cleaned_data["amount"]
        return arguments

    def add_domain_error(self, error: DomainError) -> None:
        field = {"reason": "reason", "amount": "amount"}.get(error.field or "")
        if error.field == "dispute" and "dispute" in self.fields:
            field = "dispute"
        self.add_error(field, error.message)
