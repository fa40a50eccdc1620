"""Page input of the notifications settings page."""

from __future__ import annotations

from django import forms

from o2c.forms import BootstrapForm


class NotificationSettingsForm(BootstrapForm):
    order_review_enabled = forms.BooleanField(
        required=False,
        label="Send a 'we are reviewing your order' note when an order goes on credit hold",
        help_text="neutral: it names no reason; off by default",
    )


class TemplateForm(BootstrapForm):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), strip=False)


class CarrierForm(BootstrapForm):
    carrier = forms.CharField(
        max_length=100, help_text="as the warehouse types it when shipping, in any case"
    )
    url_template = forms.CharField(
        max_length=500,
        label="Tracking URL",
        help_text="https://… with {tracking_number} where the shipment's tracking number goes",
    )
