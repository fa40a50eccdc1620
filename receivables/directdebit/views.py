"""Direct-debit pages (finance): the mandates (filtered to a customer from its page), made and
revoked there, with CSV; the collection runs, made from a date, each with its collections and
its pain.008 file. Thin views: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from customers.selectors import customer_list
from o2c.errors import DomainError
from o2c.forms import param_id
from o2c.parsing import content_disposition
from o2c.roles import FINANCE, role_required
from o2c.tables import list_page
from receivables.directdebit import runs, selectors, services
from receivables.directdebit.forms import MandateFilterForm, MandateForm, RevokeForm, RunForm
from receivables.directdebit.models import DirectDebitRun
from receivables.directdebit.tables import MandateTable, RunTable


@role_required(FINANCE)
def mandate_list(request):
    filters = MandateFilterForm(request.GET)
    mandates = selectors.mandate_list()
    customer = None
    customer_id = param_id(request.GET, "customer")
    if customer_id is not None:
        customer = customer_list().filter(pk=customer_id).first()
        mandates = mandates.filter(customer_id=customer_id)
    values = filters.values
    if values.get("q"):
        term = values["q"].strip()
        mandates = mandates.filter(customer__code__icontains=term) | mandates.filter(
            reference__icontains=term
        )
    if values.get("status"):
        mandates = mandates.filter(status=values["status"])
    form = MandateForm(request.POST or None, initial={"customer": customer.code if customer else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = customer_list().filter(code=data["customer"].strip()).first()
        if found is None:
            form.add_error("customer", f"there is no customer with the code {data['customer'].strip()}")
        else:
            try:
                mandate = services.mandate_create(
                    customer_id=found.pk,
                    reference=data["reference"],
                    iban=data["iban"],
                    bic=data["bic"],
                    signed_on=data["signed_on"],
                    debtor_name=data["debtor_name"],
                    scheme=data["scheme"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request, f"Mandate {mandate.reference} of {found.code} recorded ({mandate.iban})."
                )
                return redirect(f"{reverse('receivables:mandates')}?customer={found.pk}")
    table = MandateTable(mandates)
    table.csrf_token = get_token(request)
    return list_page(
        request,
        table,
        template="receivables/directdebit/mandates.html",
        filters=filters,
        context={"form": form, "customer": customer},
        status=400 if form.errors else 200,
    )


@role_required(FINANCE)
@require_POST
def mandate_revoke(request, mandate_id: int):
    mandate = selectors.mandate_list().filter(pk=mandate_id).first()
    if mandate is None:
        raise Http404("no such mandate")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the mandate is revoked.")
    else:
        try:
            services.mandate_revoke(
                mandate_id=mandate.pk, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Mandate {mandate.reference} revoked.")
    return redirect(f"{reverse('receivables:mandates')}?customer={mandate.customer_id}")


@role_required(FINANCE)
def run_list(request):
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.direct_debit_run_create(**form.cleaned_data, by=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"Run {run.number}: {run.items_count} debits, {run.total} {run.currency}."
            )
            return redirect("receivables:direct-debit-run", run_id=run.pk)
    return list_page(
        request,
        RunTable(selectors.run_list()),
        template="receivables/directdebit/runs.html",
        context={"form": form},
        status=400 if form.errors else 200,
    )


def _run_or_404(run_id: int) -> DirectDebitRun:
    try:
        return selectors.run_get(run_id=run_id)
    except DirectDebitRun.DoesNotExist:
        raise Http404("no such run") from None


@role_required(FINANCE)
def run_detail(request, run_id: int):
    run = _run_or_404(run_id)
    items = list(selectors.items_of_run(run_id=run.pk))
    return render(request, "receivables/directdebit/run.html", {"run": run, "items": items})


@role_required(FINANCE)
def run_file(request, run_id: int):
    run = _run_or_404(run_id)
    response = HttpResponse(run.xml.encode(), content_type="application/xml")
    response["Content-Disposition"] = content_disposition(run.file_name)
    return response
