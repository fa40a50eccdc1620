"""Return pages' forms: the lines and reason of a new return, what the warehouse received, the
list filter. Forms parse and validate; the views call the pipeline, which writes."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from o2c.errors import DomainError
from o2c.forms import BootstrapForm, QuantityField
from o2c.tables import FilterForm
from returns.models import Return
from returns.services import ReturnLineInput


class _DomainErrors:
    def add_domain_error(self, error: DomainError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)  # type: ignore[attr-defined]


def _quantity(label: str, maximum: Decimal, initial: Decimal | None) -> QuantityField:
    field = QuantityField(
        required=False,
        label=label,
        min_value=Decimal("0"),
        max_value=maximum,
        initial=None if initial is None else f"{initial.normalize():f}",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "min": "0"}),
        error_messages={"max_value": f"At most {maximum.normalize():f}."},
    )
    field.widget.attrs["class"] = "form-control form-control-sm text-end"
    return field


def _restock(*, initial: bool) -> forms.BooleanField:
    field = forms.BooleanField(required=False, initial=initial, label="Restock (unticked: damaged)")
    field.widget.attrs["class"] = "form-check-input"
    return field


class _LinesForm(_DomainErrors, BootstrapForm):
    """One quantity and one restock box per line (`quantity_<id>`, `restock_<id>`)."""

    small = True

    def rows(self) -> list[tuple[object, forms.BoundField, forms.BoundField]]:
        return [(line, self[f"quantity_{key}"], self[f"restock_{key}"]) for key, line in self.keyed]

    def chosen(self) -> list[ReturnLineInput]:
        return [
            ReturnLineInput(
                order_line_id,
                self.cleaned_data.get(f"quantity_{key}") or Decimal("0"),
                bool(self.cleaned_data.get(f"restock_{key}")),
            )
            for key, order_line_id in self.order_line_ids
        ]


class ReturnRequestForm(_LinesForm):
    """A new return: per shipped line the quantity coming back (at most what may still come back)
    and whether it goes back on the shelf, and the reason."""

    reason = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, lines=(), returnable=None, **kwargs):
        super().__init__(*args, **kwargs)
        returnable = returnable or {}
        self.keyed = [(line.pk, line) for line in lines if returnable.get(line.pk, 0) > 0]
        self.order_line_ids = [(key, key) for key, _ in self.keyed]
        for key, line in self.keyed:
            line.returnable = returnable[key]
            self.fields[f"quantity_{key}"] = _quantity(
                f"Quantity of line {line.position}", returnable[key], None
            )
            self.fields[f"restock_{key}"] = _restock(initial=True)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(item.quantity > 0 for item in self.chosen()):
            raise forms.ValidationError("Enter a quantity on at least one line.", code="no_lines")
        return cleaned

    def chosen(self) -> list[ReturnLineInput]:
        return [item for item in super().chosen() if item.quantity > 0]


class ReturnReceiveForm(_LinesForm):
    """What came back: per return line the quantity received (at most what was announced) and
    restock or damaged."""

    def __init__(self, *args, rma: Return, **kwargs):
        super().__init__(*args, **kwargs)
        self.keyed = [(line.pk, line) for line in rma.lines.all()]
        self.order_line_ids = [(line.pk, line.order_line_id) for line in rma.lines.all()]
        for key, line in self.keyed:
            self.fields[f"quantity_{key}"] = _quantity(
                f"Received of {line.product.sku}", line.quantity, line.quantity
            )
            if key == self.keyed[0][0]:  # the clerk types the first quantity at once
                self.fields[f"quantity_{key}"].widget.attrs["autofocus"] = True
            self.fields[f"restock_{key}"] = _restock(initial=line.restock)


class CancelForm(BootstrapForm):
    small = True
    reason = forms.CharField(max_length=500)


class ReturnFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Number",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "RMA-… or SO-…"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Return.Status.choices])
