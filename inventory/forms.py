"""Inventory forms: list filters and the goods receipt. Forms parse and validate; views call
the pipeline or the services, which write."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from inventory import selectors
from inventory.models import Product, StockMove
from o2c.forms import BootstrapForm, QuantityField
from o2c.tables import FilterForm

MAX_RECEIPT_QUANTITY = Decimal("1000000000")


def _warehouse_choices() -> list[tuple[str, str]]:
    return [
        ("", "All warehouses"),
        *((str(w.pk), f"{w.code} · {w.name}") for w in selectors.warehouse_list()),
    ]


class ProductFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "SKU or name"}),
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), *Product.Kind.choices])
    active = forms.TypedChoiceField(
        required=False,
        choices=[("", "Any"), ("true", "Active"), ("false", "Inactive")],
        coerce=lambda value: value == "true",
        empty_value=None,
    )


class StockFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Product",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "SKU or name"}),
    )
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = _warehouse_choices()


class StockMoveFilterForm(StockFilterForm):
    q = forms.CharField(
        required=False,
        label="Product or reference",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "SKU, name or reference"}),
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), *StockMove.Kind.choices])


class GoodsReceiptForm(BootstrapForm):
    product = forms.CharField(
        max_length=50,
        label="Product (SKU)",
        help_text="type a SKU or part of the name and pick from the suggestions",
        widget=forms.TextInput(attrs={"list": "product-options", "autocomplete": "off", "autofocus": True}),
    )
    warehouse = forms.TypedChoiceField(coerce=int)
    quantity = QuantityField(
        max_digits=13,
        min_value=Decimal("0.001"),
        max_value=MAX_RECEIPT_QUANTITY,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={"min_value": "A receipt adds a positive quantity."},
    )
    reference = forms.CharField(max_length=100, required=False, help_text="delivery note or purchase order")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [("", "Choose…"), *_warehouse_choices()[1:]]

    def clean_product(self) -> Product:
        sku = self.cleaned_data["product"].strip()
        product = selectors.product_list(filters={"sku": sku}).first()
        if product is None:
            raise forms.ValidationError(f"No product has the SKU {sku}.", code="unknown_product")
        if product.kind != Product.Kind.STOCK:
            raise forms.ValidationError(
                f"{product.sku} is a service and holds no stock.", code="service_product"
            )
        if not product.active:
            raise forms.ValidationError(f"{product.sku} is inactive.", code="inactive_product")
        return product
