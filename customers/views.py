"""Customer pages: the list, one customer (master data, credit position, open orders, history),
and the create and edit forms. Warehouse staff may look; sales and finance edit; the credit
terms are finance's. The open orders are a fragment of orders/ that the page includes
(`{% customer_open_orders %}`, orders/templatetags/order_fragments.py): master data imports no
stage."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from customers import selectors, services
from customers.forms import COMMON_CURRENCIES, CustomerFilterForm, CustomerForm
from customers.models import Customer
from o2c.csv import csv_response
from o2c.errors import DomainError
from o2c.roles import FINANCE, SALES, WAREHOUSE, has_role, role_required

PAGE_SIZE = 50
# (sort key, header) of the list's sortable columns, in display order
LIST_COLUMNS = [
    ("code", "Code"),
    ("name", "Name"),
    ("email", "E-mail"),
    ("currency", "Currency"),
    ("payment_terms_days", "Terms"),
    ("credit_limit", "Credit limit"),
    ("blocked", "Status"),
]
CSV_HEADER = [
    "code",
    "name",
    "email",
    "currency",
    "payment_terms_days",
    "credit_limit",
    "blocked",
    "dunning_enabled",
    "tax_exempt",
    "vat_number",
    "balance",
    "open_orders_value",
    "exposure",
    "overdue_amount",
    "unapplied_cash",
]


def _sortable_columns(current: str) -> list[dict]:
    columns = []
    for key, label in LIST_COLUMNS:
        active = current.lstrip("-") == key
        descending = active and current.startswith("-")
        columns.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "descending": descending,
                "next": key if descending or not active else f"-{key}",
                "numeric": key in ("payment_terms_days", "credit_limit"),
            }
        )
    return columns


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
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in selectors.ORDERING_FIELDS:
        sort = "name"
    customers = selectors.customer_list(
        filters={"blocked": filters.get("blocked"), "currency": filters.get("currency")},
        search=filters.get("q") or None,
        ordering=sort,
    )
    if request.GET.get("export") == "csv":
        rows = (
            [
                customer.code,
                customer.name,
                customer.email,
                customer.currency,
                customer.payment_terms_days,
                customer.credit_limit if customer.credit_limit is not None else "",
                customer.blocked,
                customer.dunning_enabled,
                customer.tax_exempt,
                customer.vat_number,
                customer.credit_position.balance,
                customer.credit_position.open_orders_value,
                customer.credit_position.exposure,
                customer.credit_position.overdue_amount,
                customer.credit_position.unapplied_cash,
            ]
            for customer in selectors.customers_with_positions(customers=customers)
        )
        return csv_response("customers.csv", CSV_HEADER, rows)
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.customers_with_positions(customers=page.object_list)
    return render(
        request,
        "customers/list.html",
        {
            "form": form,
            "page": page,
            "columns": _sortable_columns(sort),
            "can_edit": has_role(request.user, SALES, FINANCE),
        },
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
        request.POST or None, initial=initial, can_change_credit_terms=has_role(request.user, FINANCE)
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
