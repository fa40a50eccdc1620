"""Customer forms: the list filters and the master-data form (create and edit).

Forms only parse and validate; the views hand `cleaned_data` to the services, which write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import models

from customers import services
from customers.einvoice import INVOICE_FORMATS, country_clean, peppol_id_clean
from customers.models import LANGUAGES, default_language
from o2c.errors import DomainError
from o2c.forms import AmountField, BootstrapForm
from o2c.tables import FilterForm
from pricing.selectors import price_list_choices

COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "JPY")


def _domain_check(check, **kwargs):
    try:
        return check(**kwargs)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code) from None


class CustomerFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "code, name, e-mail, VAT number"}),
    )
    blocked = forms.TypedChoiceField(
        required=False,
        choices=[("", "Any"), ("false", "Not blocked"), ("true", "Blocked")],
        coerce=lambda value: value == "true",
        empty_value=None,
    )
    currency = forms.ChoiceField(required=False, choices=[("", "Any")])

    def __init__(self, *args, currencies: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "Any"), *((code, code) for code in currencies)]


class CustomerForm(BootstrapForm):
    """Master data of one customer. Users who may not change the credit terms see those fields
    disabled: Django then keeps their initial values whatever is posted."""

    code = forms.CharField(max_length=30, help_text="unique, e.g. C0042")
    name = forms.CharField(max_length=200)
    email = forms.EmailField(
        label="Billing e-mail", help_text="invoices, statements and dunning letters go here"
    )
    currency = forms.CharField(
        max_length=3,
        initial="EUR",
        help_text="ISO 4217 code",
        widget=forms.TextInput(
            attrs={
                "list": "currency-options",
                "autocapitalize": "characters",
                "class": "text-uppercase",  # Bootstrap: no style attribute under the CSP
            }
        ),
    )
    payment_terms_days = forms.IntegerField(
        min_value=0, max_value=services.MAX_PAYMENT_TERMS_DAYS, initial=30, label="Payment terms (days)"
    )
    discount_percent = AmountField(
        max_digits=5,
        min_value=Decimal("0"),
        max_value=services.MAX_DISCOUNT_PERCENT,
        initial=Decimal("0.00"),
        required=False,
        label="Cash discount (%)",
        help_text="e.g. 2.00 for 2 % within the discount days; 0 for none",
    )
    discount_days = forms.IntegerField(
        min_value=0,
        max_value=services.MAX_PAYMENT_TERMS_DAYS,
        initial=0,
        required=False,
        label="Discount days",
        help_text="paid within this many days of the invoice date",
    )
    vat_number = forms.CharField(
        max_length=30, required=False, label="VAT number", help_text="e.g. DE811907980"
    )
    tax_exempt = forms.BooleanField(required=False, label="Tax exempt")
    country = forms.CharField(
        max_length=2, required=False, label="Country", help_text="ISO code of the billing address, e.g. DE"
    )
    peppol_id = forms.CharField(
        max_length=60,
        required=False,
        label="Peppol participant id",
        help_text="scheme:identifier, e.g. 0088:4035811991021 or 9930:DE811907980",
    )
    invoice_format = forms.ChoiceField(
        choices=INVOICE_FORMATS, initial="pdf", required=False, label="Invoice e-mail attaches"
    )
    billing_address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    shipping_address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    credit_limit = AmountField(
        max_digits=18,
        max_value=services.MAX_CREDIT_LIMIT,
        min_value=Decimal("0"),
        required=False,
        help_text="empty means unlimited (finance or a manager only)",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    blocked = forms.BooleanField(
        required=False, help_text="new orders of a blocked customer go on credit hold"
    )
    dunning_enabled = forms.BooleanField(required=False, initial=True, label="Dunning enabled")
    language = forms.ChoiceField(
        choices=LANGUAGES,
        initial=default_language,
        required=False,
        help_text="of the e-mails the customer receives",
    )
    # Marks a post of a form that showed the e-mail fields: an unchecked box is then an opt-out;
    # a post without it (a script, an older form) leaves the language and opt-outs as they were.
    notifications_shown = forms.BooleanField(required=False, widget=forms.HiddenInput, initial=True)
    notify_order_confirmation = forms.BooleanField(required=False, initial=True, label="Order confirmation")
    notify_order_review = forms.BooleanField(
        required=False,
        initial=True,
        label="'We are reviewing your order' note",
        help_text="if the company sends it",
    )
    notify_shipping_notice = forms.BooleanField(required=False, initial=True, label="Shipping notice")
    notify_late_notice = forms.BooleanField(required=False, initial=True, label="Late-shipment notice")

    price_list = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        help_text="its prices for orders and quotations (a manager's choice); none: product prices",
    )

    def __init__(self, *args, can_change_credit_terms: bool, can_change_price_list: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_change_credit_terms = can_change_credit_terms
        self.fields["price_list"].choices = [
            ("", "— product prices —"),
            *((pk, f"{name} ({currency})") for pk, name, currency in price_list_choices()),
        ]
        if isinstance(self.initial.get("price_list"), models.Model):
            self.initial["price_list"] = self.initial["price_list"].pk
        if not can_change_price_list:
            self.fields["price_list"].disabled = True
            self.fields["price_list"].help_text = "only a manager may change this"
        if not can_change_credit_terms:
            for name in services.CREDIT_TERMS_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "only finance or a manager may change this"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("notifications_shown"):
            for name in services.NOTIFICATION_FIELDS:
                cleaned[name] = self.initial.get(name, True)
        if not cleaned.get("language"):
            cleaned["language"] = self.initial.get("language") or default_language()
        cleaned.pop("notifications_shown", None)
        return cleaned

    def clean_code(self) -> str:
        return _domain_check(services.code_clean, code=self.cleaned_data["code"])

    def clean_currency(self) -> str:
        return _domain_check(services.currency_clean, currency=self.cleaned_data["currency"].strip().upper())

    def clean_vat_number(self) -> str:
        return _domain_check(services.vat_number_clean, vat_number=self.cleaned_data["vat_number"])

    def clean_country(self) -> str:
        return _domain_check(country_clean, country=self.cleaned_data["country"])

    def clean_peppol_id(self) -> str:
        return _domain_check(peppol_id_clean, peppol_id=self.cleaned_data["peppol_id"])

    def clean_invoice_format(self) -> str:
        return self.cleaned_data.get("invoice_format") or self.initial.get("invoice_format") or "pdf"

    def einvoice_fields(self):
        return [self[name] for name in ("country", "peppol_id", "invoice_format")]

    def master_data_fields(self):
        return [
            self[name]
            for name in (
                "code",
                "name",
                "email",
                "currency",
                "payment_terms_days",
                "discount_percent",
                "discount_days",
                "vat_number",
            )
        ]

    def clean_discount_percent(self) -> Decimal:
        return self.cleaned_data.get("discount_percent") or Decimal("0.00")

    def clean_discount_days(self) -> int:
        return self.cleaned_data.get("discount_days") or 0

    def address_fields(self):
        return [self[name] for name in ("billing_address", "shipping_address")]

    def notification_fields(self):
        return [self[name] for name in ("language", *services.NOTIFICATION_FIELDS)]

    def credit_fields(self):
        return [self[name] for name in ("credit_limit", "blocked", "dunning_enabled", "price_list")]
