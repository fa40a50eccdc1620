"""Warehouse forms: list filters, the choice of lines for a pick list, shipping and delivery.
Forms parse and validate; the views call the pipeline, which writes."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from fulfillment.models import Shipment
from inventory.selectors import warehouse_list
from o2c.errors import DomainError
from o2c.forms import BootstrapForm, DateField, QuantityField
from o2c.tables import FilterForm


def _warehouse_choices() -> list[tuple[str, str]]:
    return [("", "All warehouses"), *((str(w.pk), f"{w.code} · {w.name}") for w in warehouse_list())]


class DomainErrorsMixin:
    """A refusal of the pipeline shown next to the field it names, else above the form."""

    def add_domain_error(self, error: DomainError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class PickQueueFilterForm(FilterForm):
    q = forms.CharField(
        required=False,
        label="Order or customer",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "SO-… or customer"}),
    )
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = _warehouse_choices()


class ShipmentFilterForm(PickQueueFilterForm):
    q = forms.CharField(
        required=False,
        label="Number",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "SH-… or SO-…"}),
    )
    customer = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Code or name"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Shipment.Status.choices])
    late = forms.TypedChoiceField(
        required=False,
        choices=[("", "Any"), ("yes", "Late"), ("no", "On time")],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )


class PickLinesForm(DomainErrorsMixin, BootstrapForm):
    """One quantity per stock line that has something to pick (`quantity_<line id>`), each at most
    what is allocated and not yet on an open pick list; at least one above zero."""

    small = True

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"quantity_{line.pk}"] = QuantityField(
                required=False,
                label=f"Quantity of line {line.position}",
                min_value=Decimal("0"),
                max_value=line.to_pick,
                initial=f"{line.to_pick.normalize():f}",
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "min": "0"}),
                error_messages={"max_value": f"At most {line.to_pick.normalize():f} can be picked."},
            )
            # added after BootstrapForm styled the declared fields, so styled here
            self.fields[f"quantity_{line.pk}"].widget.attrs["class"] = "form-control form-control-sm"

    def rows(self):
        return [(line, self[f"quantity_{line.pk}"]) for line in self.lines]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.chosen_lines():
            raise forms.ValidationError("Enter a quantity to pick on at least one line.", code="no_lines")
        return cleaned

    def chosen_lines(self) -> dict[int, Decimal]:
        """order line id → quantity, for the lines given a positive quantity."""
        chosen = {}
        for line in self.lines:
            quantity = self.cleaned_data.get(f"quantity_{line.pk}")
            if quantity:
                chosen[line.pk] = quantity
        return chosen


class ShipForm(DomainErrorsMixin, BootstrapForm):
    small = True
    carrier = forms.CharField(
        max_length=100,
        error_messages={"required": "Name the carrier."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. DHL", "autocomplete": "off"}),
    )
    tracking_number = forms.CharField(max_length=100, required=False)
    estimated_delivery = DateField(
        required=False,
        label="Estimated delivery",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_estimated_delivery(self):
        value = self.cleaned_data["estimated_delivery"]
        if value and value < timezone.localdate():
            raise forms.ValidationError("The estimated delivery cannot be in the past.", code="past")
        return value


class DeliverForm(DomainErrorsMixin, BootstrapForm):
    small = True
    delivered_at = forms.DateTimeField(
        required=False,
        label="Delivered at",
        help_text="leave empty for now",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, shipped_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shipped_at = shipped_at

    def clean_delivered_at(self):
        value = self.cleaned_data["delivered_at"]
        if value and value > timezone.now():
            raise forms.ValidationError("The delivery cannot be in the future.", code="future")
        if value and self.shipped_at and value < self.shipped_at.replace(second=0, microsecond=0):
            raise forms.ValidationError("The delivery cannot be before the shipment left.", code="early")
        return value
