"""Cash page forms: the payment entry with its allocation inputs, the payment actions (apply,
refund, reverse), write-offs and the payment list filter. The amount field and the mapping of a
domain error to a field are shared with the dispute forms (disputes/forms.py).

Forms parse and check what the clerk typed, so a mistake is shown next to its field at once;
the pipeline keeps the last word (balances are re-read under lock) and its refusals come back
through `add_domain_error`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone

from o2c import forms as o2c_forms
from o2c import parsing
from o2c.errors import DomainError
from o2c.forms import BootstrapForm, DateField, IdField, id_suffix
from o2c.money import ZERO_CENTS as ZERO
from o2c.tables import FilterForm
from receivables.cash.models import Payment
from receivables.cash.services import AllocationInput

APPLY_PREFIX = "apply_"
AMOUNT_HELP = "e.g. 1250.00"


def _normalise_amount(text: str) -> str:
    """What a clerk types as money, in the form Decimal reads: "1,250.50", "1 250,50",
    "1.250,50" and "1250,5" all become "1250.50"-like text; anything else is left as it is."""
    text = re.sub(r"[\s\u00a0'’]", "", text)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif text.count(",") == 1 and re.fullmatch(r"-?\d*,\d{1,2}", text):
        text = text.replace(",", ".")
    elif "," in text and re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        text = text.replace(",", "")
    return text


def parse_amount(value) -> Decimal | None:
    """An amount typed in a live field, or None when it is empty or not yet an amount (the one
    reading of `o2c.parsing`: ASCII digits, two decimals at most, within `MAX_AMOUNT`)."""
    if value in (None, ""):
        return None
    try:
        return parsing.parse_decimal(_normalise_amount(str(value)), field="amount")
    except DomainError:
        return None


class AmountField(o2c_forms.AmountField):
    """Money as typed ("1.250,50" too), two decimals at most, within `MAX_AMOUNT`, in a text box
    (a number box changes on scroll)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
        )
        messages = {
            "invalid": "Enter an amount like 1250.00.",
            "max_decimal_places": "An amount has at most two decimals.",
            "max_digits": "The amount is too large.",
            "max_whole_digits": "The amount is too large.",
            "max_value": "The amount is too large.",
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(error_messages=messages, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = _normalise_amount(value)
        return super().to_python(value)


def domain_error_to(form: forms.Form, error: DomainError, fields: dict[str, str | None]) -> None:
    """A pipeline refusal on the field it names (when the form shows that field), else on top."""
    form.add_error(fields.get(error.field or ""), error.message)


# --- the payment entry --------------------------------------------------------------------------


def allocation_invoice_id(name: str) -> int | None:
    """The invoice id of an `apply_<id>` input; None for other names and for `apply_²`."""
    return id_suffix(name, APPLY_PREFIX)


class AllocationInputsMixin:
    """`apply_<invoice id>` amount inputs, one per open invoice of the customer, each at most the
    invoice's balance. Inputs posted for invoices no longer open are kept, so the pipeline names
    them instead of the page silently dropping what the clerk typed."""

    def _add_allocation_fields(self, invoices) -> None:
        self.invoices = list(invoices)
        self.balances = {invoice.pk: invoice.balance for invoice in self.invoices}
        self.numbers = {invoice.pk: invoice.number for invoice in self.invoices}
        ids = [invoice.pk for invoice in self.invoices]
        for key in self.data or {}:
            invoice_id = allocation_invoice_id(key)
            if invoice_id is not None and invoice_id not in ids:
                ids.append(invoice_id)
        for invoice_id in ids:
            number = self.numbers.get(invoice_id, f"invoice {invoice_id}")
            self.fields[f"{APPLY_PREFIX}{invoice_id}"] = AmountField(
                required=False,
                min_value=ZERO,
                label=f"Apply to {number}",
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "form-control form-control-sm num-input",
                    }
                ),
                error_messages={"min_value": "Apply a positive amount, or leave it empty."},
            )

    def _clean_allocations(self, cleaned: dict, limit: Decimal | None, limit_label: str) -> None:
        applied = ZERO
        for name, value in list(cleaned.items()):
            if allocation_invoice_id(name) is None or not value:
                continue
            invoice_id = allocation_invoice_id(name)
            balance = self.balances.get(invoice_id)
            if balance is not None and value > balance:
                self.add_error(name, f"Only {balance} is open on {self.numbers[invoice_id]}.")
            applied += value
        self.applied_total = applied
        if limit is not None and applied > limit:
            self.add_error(None, f"{applied} is applied but {limit_label} is only {limit}.")

    def allocations(self) -> list[AllocationInput]:
        """The non-zero inputs, in the pipeline's terms."""
        return [
            AllocationInput(invoice_id=allocation_invoice_id(name), amount=value)
            for name, value in self.cleaned_data.items()
            if allocation_invoice_id(name) is not None and value
        ]

    def apply_field(self, invoice_id: int):
        return self[f"{APPLY_PREFIX}{invoice_id}"]


class PaymentEntryForm(AllocationInputsMixin, BootstrapForm):
    """The clerk's payment: customer, amount, reference, date, method, and what to apply where.

    `basis` carries what the allocation inputs were proposed for (customer, amount, reference);
    the page refuses to save inputs proposed for other figures than those submitted."""

    small = True
    customer = IdField(widget=forms.HiddenInput, error_messages={"required": "Pick the customer who paid."})
    customer_query = forms.CharField(required=False, max_length=200, label="Customer")
    amount = AmountField(
        min_value=Decimal("0.01"),
        label="Amount received",
        error_messages={
            "required": "Enter the amount received.",
            "min_value": "The amount must be positive.",
        },
    )
    reference = forms.CharField(
        required=False,
        max_length=200,
        label="Bank reference",
        widget=forms.TextInput(attrs={"placeholder": "as on the bank statement", "autocomplete": "off"}),
    )
    received_on = DateField(
        label="Received on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the money arrived.",
            "invalid": "Enter a date (YYYY-MM-DD).",
        },
    )
    method = forms.ChoiceField(choices=Payment.Method.choices, initial=Payment.Method.BANK_TRANSFER)
    confirm_duplicate = forms.BooleanField(required=False, label="Record it anyway")
    basis = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._add_allocation_fields(invoices)
        self.fields["received_on"].initial = timezone.localdate
        self.applied_total = ZERO

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError("A payment cannot be received in the future.", code="future")
        return received_on

    def clean(self):
        cleaned = super().clean()
        self._clean_allocations(cleaned, cleaned.get("amount"), "the payment")
        return cleaned

    @property
    def current_basis(self) -> str:
        """The basis of the submitted figures (see `allocation_basis`)."""
        return allocation_basis(
            self.cleaned_data.get("customer"),
            self.cleaned_data.get("amount"),
            self.cleaned_data.get("reference"),
        )

    def pipeline_arguments(self) -> dict:
        """What `pipeline.payment_record` takes besides the user."""
        data = self.cleaned_data
        return {
            "customer_id": data["customer"],
            "amount": data["amount"],
            "received_on": data["received_on"],
            "reference": data["reference"],
            "method": data["method"],
            "allocations": self.allocations(),  # a list, never None: empty means "all unapplied"
            "confirm_duplicate": data["confirm_duplicate"],
        }

    def add_domain_error(self, error: DomainError) -> None:
        domain_error_to(
            self,
            error,
            {
                "customer": "customer",
                "amount": "amount",
                "reference": "reference",
                "received_on": "received_on",
                "method": "method",
                "confirm_duplicate": "confirm_duplicate",
            },
        )

    @property
    def duplicate_refused(self) -> bool:
        return "confirm_duplicate" in self.errors


def allocation_basis(customer_id, amount: Decimal | None, reference: str | None) -> str:
    """What an allocation proposal was made for; a change to any of these asks for a new one."""
    if not customer_id or amount is None:
        return ""
    return f"{customer_id}|{amount:.2f}|{(reference or '').strip().lower()}"


# --- the payment's actions ----------------------------------------------------------------------


class PaymentApplyForm(AllocationInputsMixin, BootstrapForm):
    """Unapplied cash of a payment spread over the customer's open invoices."""

    def __init__(self, *args, payment: Payment, invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment
        self.applied_total = ZERO
        self._add_allocation_fields(invoices)

    def clean(self):
        cleaned = super().clean()
        self._clean_allocations(
            cleaned, self.payment.unapplied_amount, f"the unapplied cash of {self.payment}"
        )
        if not self.errors and not self.allocations():
            raise forms.ValidationError("Enter an amount to apply to at least one invoice.", code="empty")
        return cleaned

    def add_domain_error(self, error: DomainError) -> None:
        domain_error_to(self, error, {})


class _AmountWithReasonForm(BootstrapForm):
    """An amount up to a limit and the reason for it: a refund, a write-off."""

    verb, noun, placeholder = "", "", ""
    amount = AmountField(
        min_value=Decimal("0.01"), error_messages={"min_value": "The amount must be positive."}
    )
    reason = forms.CharField(max_length=500)

    def __init__(self, *args, limit: Decimal, over_limit: str, help_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit, self.over_limit = limit, over_limit
        amount, reason = self.fields["amount"], self.fields["reason"]
        amount.label, amount.help_text = f"Amount to {self.verb}", help_text
        amount.error_messages["required"] = f"Enter the amount to {self.verb}."
        reason.error_messages["required"] = f"Give the reason for the {self.noun}."
        reason.widget.attrs["placeholder"] = self.placeholder

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.limit:
            raise forms.ValidationError(self.over_limit, code="over_limit")
        return amount

    def add_domain_error(self, error: DomainError) -> None:
        domain_error_to(self, error, {"amount": "amount", "reason": "reason"})


class PaymentRefundForm(_AmountWithReasonForm):
    small = True
    verb, noun, placeholder = "refund", "refund", "e.g. paid twice, refunded to IBAN …"

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(
            *args,
            limit=payment.unapplied_amount,
            over_limit=f"Only {payment.unapplied_amount} of {payment} is unapplied.",
            help_text=f"at most {payment.unapplied_amount} {payment.currency}",
            **kwargs,
        )


class PaymentReverseForm(BootstrapForm):
    small = True
    reason = forms.CharField(
        max_length=500,
        error_messages={"required": "Give the reason for the reversal."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. returned by the bank: account closed"}),
    )
    confirm = forms.BooleanField(
        label="Reverse the payment and reopen its invoices",
        error_messages={"required": "Tick the box to confirm the reversal."},
    )

    def add_domain_error(self, error: DomainError) -> None:
        domain_error_to(self, error, {"reason": "reason"})


class PaymentFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Number or reference",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "PAY-… or bank reference"}),
    )
    customer = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Code or name"})
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Payment.Status.choices])
    unapplied = forms.BooleanField(required=False, label="With unapplied cash")
    received_from = DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    received_to = DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


# --- disputes and write-offs --------------------------------------------------------------------


class WriteOffForm(_AmountWithReasonForm):
    verb, noun, placeholder = (
        "write off",
        "write-off",
        "e.g. customer insolvent; small balance not worth chasing",
    )

    def __init__(self, *args, invoice, **kwargs):
        super().__init__(
            *args,
            limit=invoice.balance,
            over_limit=f"Only {invoice.balance} is open on {invoice.number}.",
            help_text=f"at most {invoice.balance} {invoice.currency}, the open balance",
            **kwargs,
        )
        self.invoice = invoice
        self.fields["amount"].widget.attrs["autofocus"] = True
