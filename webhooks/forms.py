from __future__ import annotations

from typing import Any

from django import forms

from o2c.events import EVENT_TYPES
from o2c.forms import BootstrapForm
from o2c.tables import FilterForm
from webhooks.models import WebhookDelivery

EVENT_CHOICES = [("*", "All events"), *((name, name) for name in EVENT_TYPES)]


class EndpointForm(BootstrapForm):
    url = forms.CharField(
        label="URL", max_length=2000, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=EVENT_CHOICES, initial=["*"], widget=forms.SelectMultiple(attrs={"size": 8})
    )


class DeliveryFilterForm(FilterForm):
    endpoint = forms.ChoiceField(required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *WebhookDelivery.Status.choices], required=False)
    event_type = forms.ChoiceField(
        choices=[("", "Any event"), *((n, n) for n in EVENT_TYPES)], required=False
    )

    def __init__(self, *args: Any, endpoints: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["endpoint"].choices = [("", "All endpoints"), *((str(e.pk), e.url) for e in endpoints)]
