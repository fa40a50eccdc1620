"""Customer API shapes: one input serializer (create and PATCH) and one output serializer."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from customers import services
from customers.einvoice import INVOICE_FORMATS, country_clean, peppol_id_clean
from customers.errors import CustomerErrorCode
from customers.models import LANGUAGES, Customer
from o2c.api_fields import AmountField, IdField, PercentField, TextField
from o2c.errors import DomainError


def _domain_check(check, **kwargs):
    """Run a service validator, reporting its DomainError as this field's error."""
    try:
        return check(**kwargs)
    except DomainError as error:
        raise serializers.ValidationError(error.message, code=error.code) from None


class PaymentTermsIn(serializers.Serializer):
    """API.md: `payment_terms` (`net_days`, `discount_percent`, `discount_days`): 2 % within 10 days,
    net 30 is `{"net_days": 30, "discount_percent": "2.00", "discount_days": 10}`."""

    net_days = serializers.IntegerField(
        min_value=0,
        max_value=services.MAX_PAYMENT_TERMS_DAYS,
        required=False,
        help_text="= payment_terms_days",
    )
    discount_percent = PercentField(
        required=False,
        help_text="cash discount for paying within discount_days of the invoice date; 0.00: none; "
        "at most 50.00 (`discount_percent_too_high`)",
    )
    discount_days = serializers.IntegerField(
        min_value=0, max_value=services.MAX_PAYMENT_TERMS_DAYS, required=False, help_text="1 to net_days"
    )


class PaymentTermsOut(serializers.Serializer):
    net_days = serializers.IntegerField(source="payment_terms_days", read_only=True)
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    discount_days = serializers.IntegerField(read_only=True)


class CustomerIn(serializers.Serializer):
    code = TextField(max_length=30)
    name = TextField(max_length=200)
    email = serializers.EmailField(max_length=254)
    currency = TextField(max_length=3, required=False, default="EUR", help_text="ISO 4217, e.g. EUR")
    payment_terms_days = serializers.IntegerField(
        min_value=0, max_value=services.MAX_PAYMENT_TERMS_DAYS, required=False, default=30
    )
    payment_terms = PaymentTermsIn(
        required=False,
        help_text="net days and the cash discount (decision 0056); net_days = payment_terms_days",
    )
    credit_limit = AmountField(
        min_value=Decimal("0"),
        allow_null=True,
        required=False,
        help_text="left out: O2C_DEFAULT_CREDIT_LIMIT (0.00 unless configured), so the first order "
        "waits for finance; another limit or null (unlimited): finance or manager only",
    )
    blocked = serializers.BooleanField(required=False, default=False, help_text="finance or manager only")
    dunning_enabled = serializers.BooleanField(
        required=False, default=True, help_text="finance or manager only"
    )
    tax_exempt = serializers.BooleanField(required=False, default=False)
    vat_number = TextField(max_length=30, allow_blank=True, required=False, default="")
    billing_address = TextField(multiline=True, allow_blank=True, required=False, default="")
    shipping_address = TextField(multiline=True, allow_blank=True, required=False, default="")
    country = TextField(
        max_length=2, allow_blank=True, required=False, default="", help_text="ISO 3166 code, e.g. DE"
    )
    peppol_id = TextField(
        max_length=60,
        allow_blank=True,
        required=False,
        default="",
        help_text="Peppol participant id scheme:identifier (EAS scheme), e.g. 0088:4035811991021 or "
        "9930:DE811907980",
    )
    invoice_format = serializers.ChoiceField(
        choices=INVOICE_FORMATS,
        required=False,
        default="pdf",
        help_text="what the invoice e-mail attaches: pdf, facturx (the same PDF with its EN 16931 XML "
        "inside), ubl (the Peppol UBL XML and the PDF)",
    )
    language = serializers.ChoiceField(
        choices=LANGUAGES,
        required=False,
        help_text="of the e-mails the customer receives; left out: O2C_DEFAULT_CUSTOMER_LANGUAGE",
    )
    notify_order_confirmation = serializers.BooleanField(required=False, default=True)
    notify_order_review = serializers.BooleanField(
        required=False,
        default=True,
        help_text="the 'we are reviewing your order' note, if the company sends it",
    )
    notify_shipping_notice = serializers.BooleanField(required=False, default=True)
    notify_late_notice = serializers.BooleanField(required=False, default=True)
    price_list = IdField(
        required=False,
        allow_null=True,
        help_text="the customer's price list (in its currency); manager only; null: product prices",
    )

    def validate(self, attrs):
        """`payment_terms` into the customer's fields; its `net_days` and `payment_terms_days` are
        one figure, so both given must agree."""
        terms = attrs.pop("payment_terms", None) or {}
        if "net_days" in terms:
            given = self.initial_data.get("payment_terms_days") if hasattr(self.initial_data, "get") else None
            if given is not None and attrs.get("payment_terms_days") != terms["net_days"]:
                raise serializers.ValidationError(
                    {"payment_terms": ["net_days and payment_terms_days differ; give one of them"]},
                    code=CustomerErrorCode.PAYMENT_TERMS_CONFLICT,
                )
            attrs["payment_terms_days"] = terms["net_days"]
        for name in ("discount_percent", "discount_days"):
            if name in terms:
                attrs[name] = terms[name]
        return attrs

    def validate_currency(self, value: str) -> str:
        return _domain_check(services.currency_clean, currency=value)

    def validate_vat_number(self, value: str) -> str:
        return _domain_check(services.vat_number_clean, vat_number=value)

    def validate_country(self, value: str) -> str:
        return _domain_check(country_clean, country=value)

    def validate_peppol_id(self, value: str) -> str:
        return _domain_check(peppol_id_clean, peppol_id=value)


def _position_field(name: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=18, decimal_places=2, source=f"credit_position.{name}", read_only=True, **kwargs
    )


class CustomerOut(serializers.ModelSerializer):
    """The customer with its credit position: the view sets `credit_position` on each customer
    from `credit.selectors.customer_positions`, one call per page."""

    balance = _position_field("balance", help_text="open receivables")
    exposure = _position_field("exposure", help_text="open receivables + approved orders not yet invoiced")
    overdue_amount = _position_field("overdue_amount")
    unapplied_cash = _position_field("unapplied_cash")
    open_orders_value = _position_field("open_orders_value")
    headroom = _position_field(
        "headroom", allow_null=True, help_text="credit limit − exposure; null if unlimited"
    )
    payment_terms = PaymentTermsOut(source="*", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            *services.EDITABLE_FIELDS,
            "payment_terms",
            "balance",
            "exposure",
            "overdue_amount",
            "unapplied_cash",
            "open_orders_value",
            "headroom",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
