"""Price list pages (managers): the list with CSV/XLSX of every break, new and edit."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from o2c.errors import DomainError
from o2c.roles import MANAGER, role_required
from o2c.tables import list_page
from pricing import selectors, services
from pricing.forms import PriceListForm, breaks_text
from pricing.models import PriceList
from pricing.tables import PriceListTable


@role_required(MANAGER)
def price_list_list(request):
    return list_page(
        request, PriceListTable(selectors.price_list_list()), template="pricing/price_list_list.html"
    )


def _arguments(form: PriceListForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "currency": data["currency"].strip().upper(),
        "valid_from": data.get("valid_from"),
        "valid_to": data.get("valid_to"),
        "items": data["breaks"],
    }


@role_required(MANAGER)
def price_list_create(request):
    form = PriceListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            price_list = services.price_list_create(by=request.user, **_arguments(form))
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Price list {price_list.name} created.")
            return redirect("pricing:list")
    return render(request, "pricing/price_list_form.html", {"form": form, "price_list": None})


@role_required(MANAGER)
def price_list_edit(request, price_list_id: int):
    try:
        price_list = selectors.price_list_get(price_list_id=price_list_id)
    except PriceList.DoesNotExist:
        raise Http404("no such price list") from None
    if request.method == "POST":
        form = PriceListForm(request.POST)
        if form.is_valid():
            try:
                services.price_list_update(price_list_id=price_list.pk, by=request.user, **_arguments(form))
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Price list {form.cleaned_data['name']} saved.")
                return redirect("pricing:list")
    else:
        form = PriceListForm(
            initial={
                "name": price_list.name,
                "currency": price_list.currency,
                "valid_from": price_list.valid_from,
                "valid_to": price_list.valid_to,
                "breaks": breaks_text(price_list),
            }
        )
    return render(request, "pricing/price_list_form.html", {"form": form, "price_list": price_list})
