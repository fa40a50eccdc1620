"""Customer pages: the list, one customer (master data, credit position, open orders, history),
and the create and edit forms. Warehouse staff may look; sales and finance edit; the credit
terms are finance's. The open orders are a fragment of orders/ that the page includes
(`{% customer_open_orders %}`, orders/templatetags/order_fragments.py): master data imports no
stage."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from customers import selectors, services
from customers.forms import COMMON_CURRENCIES, CustomerFilterForm, CustomerForm
from customers.models import Customer
from customers.tables import CustomerTable
from o2c.errors import DomainError
from o2c.roles import FINANCE, MANAGER, SALES, WAREHOUSE, has_role, role_required
from o2c.tables import list_page


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return selectors.customer_get(customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404("no such customer") from None


def _form_context(form: CustomerForm) -> dict:
    return {"form": form, "currencies": COMMON_CURRENCIES}


def _apply_domain_error(form: CustomerForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@role_required(SALES, WAREHOUSE, FINANCE)
def customer_list(request):
    form = CustomerFilterForm(request.GET or None, currencies=selectors.customer_currencies())
    filters = form.values
    customers = selectors.customer_list(
        filters={"blocked": filters.get("blocked"), "currency": filters.get("currency")},
        search=filters.get("q") or None,
    )
    return list_page(
        request,
        CustomerTable(customers),
        template="customers/list.html",
        filters=form,
        context={"can_edit": has_role(request.user, SALES, FINANCE)},
    )


@role_required(SALES, WAREHOUSE, FINANCE)
def customer_detail(request, customer_id: int):
    customer = _customer_or_404(customer_id)
    customer = selectors.customers_with_positions(customers=[customer])[0]
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "position": customer.credit_position,
            "history": selectors.customer_history(customer=customer),
            "can_edit": has_role(request.user, SALES, FINANCE),
        },
    )


@role_required(SALES, FINANCE)
def customer_create(request):
    may_change_terms = has_role(request.user, FINANCE)
    form = CustomerForm(
        request.POST or None,
        initial={"credit_limit": services.default_credit_limit()},  # a disabled field keeps it
        can_change_credit_terms=may_change_terms,
        can_change_price_list=has_role(request.user, MANAGER),
    )
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(**form.cleaned_data, by=request.user)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Customer {customer.code} {customer.name} created.")
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {**_form_context(form), "customer": None})


@role_required(SALES, FINANCE)
def customer_edit(request, customer_id: int):
    customer = _customer_or_404(customer_id)
    initial = {name: getattr(customer, name) for name in services.EDITABLE_FIELDS}
    form = CustomerForm(
        request.POST or None,
        initial=initial,
        can_change_credit_terms=has_role(request.user, FINANCE),
        can_change_price_list=has_role(request.user, MANAGER),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer_id=customer.pk, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Customer {form.cleaned_data['code']} saved.")
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {**_form_context(form), "customer": customer})
