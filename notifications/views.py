"""The notifications settings page (manager): the review-note setting, the e-mail templates and
the carriers' tracking URLs; and the edit page of one template."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.forms import CarrierForm, NotificationSettingsForm, TemplateForm
from notifications.models import NotificationTemplate
from notifications.placeholders import PLACEHOLDERS
from o2c.errors import DomainError
from o2c.roles import MANAGER, role_required


def _page(request, *, settings_form=None, carrier_form=None, status=200):
    current = selectors.notification_settings_get()
    return render(
        request,
        "notifications/settings.html",
        {
            "settings_form": settings_form
            or NotificationSettingsForm(initial={"order_review_enabled": current.order_review_enabled}),
            "carrier_form": carrier_form or CarrierForm(),
            "templates": selectors.template_list(),
            "carriers": selectors.carrier_list(),
        },
        status=status,
    )


@role_required(MANAGER)
def notification_settings(request):
    if request.method != "POST":
        return _page(request)
    form = NotificationSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, settings_form=form, status=400)
    services.notification_settings_update(
        order_review_enabled=form.cleaned_data["order_review_enabled"], by=request.user
    )
    messages.success(request, "Notification settings saved.")
    return redirect("notifications:settings")


@role_required(MANAGER)
@require_POST
def carrier_add(request):
    form = CarrierForm(request.POST)
    if form.is_valid():
        try:
            row = services.carrier_tracking_save(**form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Tracking URL of {row.carrier} saved.")
            return redirect("notifications:settings")
    return _page(request, carrier_form=form, status=400)


@role_required(MANAGER)
@require_POST
def carrier_delete(request, carrier_id: int):
    services.carrier_tracking_delete(carrier_id=carrier_id)
    messages.success(request, "Carrier removed.")
    return redirect("notifications:settings")


@role_required(MANAGER)
def template_edit(request, template_id: int):
    try:
        template = selectors.template_get(template_id=template_id)
    except NotificationTemplate.DoesNotExist:
        raise Http404("no such template") from None
    form = TemplateForm(request.POST or None, initial={"subject": template.subject, "body": template.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.notification_template_update(
                    template_id=template.pk, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Template '{template}' saved.")
                return redirect("notifications:settings")
        status = 400
    return render(
        request,
        "notifications/template_form.html",
        {"form": form, "template": template, "placeholders": PLACEHOLDERS[template.kind]},
        status=status,
    )
