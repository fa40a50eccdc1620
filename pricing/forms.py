"""Price list pages: the header fields and the breaks, one per line (`SKU  min_quantity  price`)."""

from __future__ import annotations

from django import forms

from inventory.selectors import products_by_sku
from o2c.errors import DomainError
from o2c.forms import BootstrapForm, DateField
from o2c.parsing import MAX_AMOUNT, MAX_QUANTITY, parse_decimal, text_check
from pricing.services import ItemInput

BREAKS_HELP = "One break per line: SKU, minimum quantity, unit price (e.g. “WID-100 10 9.50”)."


class PriceListForm(BootstrapForm):
    name = forms.CharField(max_length=100)
    currency = forms.CharField(max_length=3, initial="EUR")
    valid_from = DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_to = DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    breaks = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        help_text=BREAKS_HELP,
    )

    def clean_breaks(self) -> list[ItemInput]:
        text = text_check(self.cleaned_data.get("breaks") or "", field="breaks", multiline=True)
        rows = [line.split() for line in text.splitlines() if line.strip()]
        if len(rows) > 2000:
            raise forms.ValidationError("at most 2000 breaks")
        products = products_by_sku(skus=[row[0] for row in rows if row])
        items = []
        for number, row in enumerate(rows, start=1):
            if len(row) != 3:
                raise forms.ValidationError(f"line {number}: give SKU, minimum quantity and unit price")
            sku, quantity, price = row
            if sku not in products:
                raise forms.ValidationError(f"line {number}: no product {sku}")
            try:
                items.append(
                    ItemInput(
                        product_id=products[sku].pk,
                        min_quantity=parse_decimal(
                            quantity, field="min_quantity", places=3, maximum=MAX_QUANTITY
                        ),
                        unit_price=parse_decimal(price, field="unit_price", places=2, maximum=MAX_AMOUNT),
                    )
                )
            except DomainError as error:
                raise forms.ValidationError(f"line {number}: {error.message}") from None
        return items

    def add_domain_error(self, error: DomainError) -> None:
        field = {"items": "breaks"}.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, error.message)


def breaks_text(price_list) -> str:
    return "\n".join(
        f"{item.product.sku} {item.min_quantity.normalize():f} {item.unit_price}"
        for item in price_list.items.all()
    )
