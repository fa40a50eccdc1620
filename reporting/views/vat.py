"""The VAT report page (decision 0057): output tax by rate for a period, invoices, credit notes
and cash discounts apart, reconciled with the VAT payable account; `?export=csv|xlsx` (or
`?format=csv`) downloads its table through the house's CSV and XLSX writers."""

from __future__ import annotations

from django.shortcuts import render

from o2c.csv import csv_response
from o2c.roles import FINANCE, role_required
from o2c.xlsx import xlsx_response
from reporting.forms import VatForm, form_bound
from reporting.vat import vat_report
from reporting.views import local_today


@role_required(FINANCE)
def vat(request):
    today = local_today()
    form = form_bound(VatForm, request, **{"from": today.replace(day=1).isoformat(), "to": today.isoformat()})
    if not form.is_valid():
        return render(request, "reporting/reports/vat.html", {"form": form}, status=400)
    report = vat_report(date_from=form.cleaned_data["from"], date_to=form.cleaned_data["to"])
    export = request.GET.get("export") or request.GET.get("format")
    if export in ("csv", "xlsx"):
        header, rows = report.table()
        respond = csv_response if export == "csv" else xlsx_response
        return respond(f"vat-{report.date_from}_{report.date_to}.{export}", header, rows)
    return render(request, "reporting/reports/vat.html", {"form": form, "report": report})
