"""Dispute page forms: open a dispute (by line or as an amount, with its owner), resolve it, and
the list filter."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from o2c.errors import DomainError
from o2c.forms import BootstrapForm
from o2c.roles import ADMIN, FINANCE, MANAGER
from o2c.tables import FilterForm
from receivables.cash.forms import AmountField, domain_error_to
from receivables.disputes.models import Dispute
from receivables.disputes.services import DisputeLineInput

RESOLUTIONS = [
    ("credit_note", "Credit note"),
    (Dispute.Status.REJECTED, "Rejected"),
    (Dispute.Status.WITHDRAWN, "Withdrawn"),
]


RESOLUTION_HELP = {
    "credit_note": "a credit note for the disputed amount",
    Dispute.Status.REJECTED: "the customer owes it after all",
    Dispute.Status.WITHDRAWN: "the customer dropped it",
}


def finance_users():
    """Who may own a dispute: active users with the finance role (managers and admins too)."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=(FINANCE, MANAGER, ADMIN)) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.username


class DisputeForm(BootstrapForm):
    """A dispute names invoice lines (`line_<invoice line id>`: the gross amount of each in
    dispute, at most what is left of it) or gives a plain amount (split over the invoice's tax
    rates when credited)."""

    amount = AmountField(
        required=False,
        min_value=Decimal("0.01"),
        label="Disputed amount",
        error_messages={"min_value": "The amount must be positive."},
    )
    reason = forms.ChoiceField(choices=Dispute.Reason.choices)
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="Internal note",
        help_text="for colleagues only: never printed, e-mailed or posted",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "What the customer says, who called, …"}),
    )
    customer_message = forms.CharField(
        required=False,
        max_length=300,
        label="Message for the customer",
        help_text="printed on the credit note if the dispute is credited",
        widget=forms.TextInput(attrs={"placeholder": "e.g. installation invoiced twice"}),
    )
    owner = _UserChoiceField(
        queryset=None, required=False, empty_label="(me)", help_text="who in finance follows it up"
    )

    def __init__(self, *args, invoice, undisputed: Decimal, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        self.undisputed = undisputed
        self.lines = [left for left in lines if left.total > 0]
        self.fields["owner"].queryset = finance_users()
        self.fields["amount"].help_text = (
            f"at most {undisputed} {invoice.currency}, the balance not in dispute; "
            "when you name lines below, their sum"
        )
        for left in self.lines:
            self.fields[f"line_{left.line.pk}"] = AmountField(
                required=False,
                min_value=Decimal("0.01"),
                max_value=left.total,
                label=f"Line {left.line.position}: {left.line.description}",
                error_messages={
                    "max_value": f"Only {left.total} of line {left.line.position} is not yet credited.",
                    "min_value": "The amount must be positive.",
                },
            )
            self.fields[f"line_{left.line.pk}"].widget.attrs["class"] = (
                "form-control form-control-sm text-end"
            )

    def line_rows(self):
        """(what is left of the invoice line, its amount field), in invoice order."""
        return [(left, self[f"line_{left.line.pk}"]) for left in self.lines]

    def dispute_lines(self) -> list[DisputeLineInput]:
        return [
            DisputeLineInput(invoice_line_id=left.line.pk, amount=self.cleaned_data[f"line_{left.line.pk}"])
            for left in self.lines
            if self.cleaned_data.get(f"line_{left.line.pk}")
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        named = self.dispute_lines()
        if named:  # the lines named decide the amount
            cleaned["amount"] = None
        amount = sum((line.amount for line in named), Decimal("0")) if named else cleaned.get("amount")
        if amount is None:
            self.add_error(
                "amount",
                forms.ValidationError("Enter the disputed amount or name the lines.", code="required"),
            )
        elif amount > self.undisputed:
            self.add_error(
                "amount",
                forms.ValidationError(
                    f"Only {self.undisputed} of {self.invoice.number} is open and not yet in dispute.",
                    code="over_undisputed",
                ),
            )
        return cleaned

    def add_domain_error(self, error: DomainError) -> None:
        domain_error_to(self, error, {"amount": "amount", "reason": "reason", "owner": "owner"})


class DisputeResolveForm(BootstrapForm):
    small = True
    outcome = forms.ChoiceField(
        choices=RESOLUTIONS, error_messages={"required": "Choose how the dispute ends."}, label="Outcome"
    )
    note = forms.CharField(
        max_length=2000,
        error_messages={"required": "Write a note on the resolution."},
        help_text="internal: never printed on the credit note",
        widget=forms.TextInput(attrs={"placeholder": "Note (required)"}),
    )
    customer_message = forms.CharField(
        required=False,
        max_length=300,
        label="Message for the customer",
        help_text="printed on the credit note; the dispute's own message when empty",
    )

    def outcome_options(self) -> list[tuple[str, str, str]]:
        """(value, label, what it means) for the outcome radios."""
        return [(value, label, RESOLUTION_HELP[value]) for value, label in RESOLUTIONS]

    def add_domain_error(self, error: DomainError) -> None:
        domain_error_to(self, error, {"outcome": "outcome"})


class DisputeFilterForm(FilterForm):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Dispute.Status.choices], label="Status"
    )
    reason = forms.ChoiceField(required=False, choices=[("", "Any reason"), *Dispute.Reason.choices])
    mine = forms.BooleanField(required=False, label="Mine only")
    customer = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Code or name"})
    )
