"""The exchange rates page (decision 0062): the list with CSV, a rate entered, the ECB's file."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect

from ledger.rates import selectors, services
from ledger.rates.forms import EcbUploadForm, RateFilterForm, RateForm
from ledger.rates.tables import ExchangeRateTable
from o2c.errors import DomainError
from o2c.roles import FINANCE, role_required
from o2c.tables import list_page


@role_required(FINANCE)
def exchange_rates(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    rate_form = RateForm(request.POST if request.POST.get("action") == "rate" else None, prefix="rate")
    ecb_form = EcbUploadForm(
        request.POST if request.POST.get("action") == "ecb" else None,
        request.FILES if request.POST.get("action") == "ecb" else None,
        prefix="ecb",
    )
    status = 200
    if request.method == "POST":
        form = rate_form if request.POST.get("action") == "rate" else ecb_form
        if form.is_valid():
            try:
                if form is rate_form:
                    row = services.exchange_rate_set(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
                    messages.success(
                        request, f"{row.currency} {row.rate} from {row.valid_on.isoformat()} saved."
                    )
                else:
                    written = services.exchange_rates_import_ecb(
                        content=form.cleaned_data["file"].read(),
                        by=request.user,  # type: ignore[arg-type]
                    )
                    messages.success(request, f"{written} rates read from the ECB's file.")
                return redirect("ledger:exchange-rates")
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
        status = 400
    filters = RateFilterForm(request.GET or None)
    rows = selectors.exchange_rate_list()
    currency = (filters.values.get("currency") or "").strip().upper()
    if currency:
        rows = rows.filter(currency=currency)
    return list_page(
        request,
        ExchangeRateTable(rows),
        template="ledger/exchange_rates.html",
        filters=filters,
        context={"rate_form": rate_form, "ecb_form": ecb_form, "base": settings.O2C_BASE_CURRENCY},
        status=status,
    )
