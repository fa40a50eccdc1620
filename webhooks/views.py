"""The webhook pages (managers): the endpoints on a settings page (add, the secret shown once,
rotate, enable or disable, delete), the deliveries list and one delivery with its attempts and a
Resend button."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from o2c.errors import DomainError
from o2c.roles import MANAGER, role_required
from o2c.tables import list_page
from webhooks import selectors, services
from webhooks.forms import DeliveryFilterForm, EndpointForm
from webhooks.tables import DeliveryTable


def _endpoints_page(request, *, form=None, new_secret=None, status=200):
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "endpoints": selectors.webhook_endpoint_list(),
            "form": form or EndpointForm(),
            "new_secret": new_secret,
        },
        status=status,
    )


@role_required(MANAGER)
def endpoint_list(request):
    """GET: the endpoints; POST: a new one, its secret shown on the answer, never again."""
    if request.method != "POST":
        return _endpoints_page(request)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(**form.cleaned_data, by=request.user)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _endpoints_page(request, new_secret=(endpoint, endpoint.secret))
    return _endpoints_page(request, form=form, status=400)


@role_required(MANAGER)
@require_POST
def endpoint_action(request, endpoint_id: int):
    endpoint = get_object_or_404(selectors.webhook_endpoint_list(), pk=endpoint_id)
    action = request.POST.get("action")
    if action == "rotate":
        endpoint = services.webhook_endpoint_rotate_secret(endpoint_id=endpoint.pk)
        return _endpoints_page(request, new_secret=(endpoint, endpoint.secret))
    if action in ("enable", "disable"):
        services.webhook_endpoint_update(endpoint_id=endpoint.pk, active=action == "enable")
        messages.success(request, f"{endpoint.url} {action}d.")
    elif action == "delete":
        services.webhook_endpoint_delete(endpoint_id=endpoint.pk)
        messages.success(request, f"{endpoint.url} deleted, with its deliveries.")
    return redirect("webhooks:endpoints")


@role_required(MANAGER)
def delivery_list(request):
    form = DeliveryFilterForm(request.GET or None, endpoints=selectors.webhook_endpoint_list())
    filters = form.values
    deliveries = selectors.webhook_delivery_list(
        filters={
            "endpoint": int(filters["endpoint"]) if filters.get("endpoint") else None,
            "status": filters.get("status"),
            "event_type": filters.get("event_type"),
        }
    )
    return list_page(
        request,
        DeliveryTable(deliveries),
        template="webhooks/deliveries.html",
        filters=form,
        context={"title": "Webhook deliveries"},
    )


@role_required(MANAGER)
def delivery_detail(request, delivery_id: int):
    delivery = get_object_or_404(selectors.webhook_delivery_list(), pk=delivery_id)
    if request.method == "POST":
        services.webhook_delivery_resend(delivery_id=delivery.pk)
        messages.success(request, "Queued to be sent again now, with the same webhook-id.")
        return redirect("webhooks:delivery", delivery_id=delivery.pk)
    return render(
        request,
        "webhooks/delivery.html",
        {
            "delivery": delivery,
            "attempts": selectors.webhook_delivery_attempts(delivery_id=delivery.pk),
            "payload": json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False),
        },
    )
