from django.core.paginator import Paginator
from django.shortcuts import render

from ledger import selectors
from ledger.forms import AsOfForm, JournalFilterForm
from o2c.csv import csv_response
from o2c.roles import FINANCE, role_required


@role_required(FINANCE)
def trial_balance(request):
    form = AsOfForm(request.GET or None)
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    balance = selectors.trial_balance(as_of=as_of)
    if request.GET.get("export") == "csv":
        return csv_response(
            f"trial-balance-{as_of or 'today'}.csv",
            ["code", "name", "type", "debit", "credit", "balance"],
            ([row.code, row.name, row.type, row.debit, row.credit, row.balance] for row in balance.accounts),
        )
    return render(request, "ledger/trial_balance.html", {"form": form, "balance": balance})


@role_required(FINANCE)
def journal(request):
    form = JournalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.journal_entry_list(
        source=filters.get("source") or None,
        account=filters.get("account") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if request.GET.get("export") == "csv":
        columns = selectors.JOURNAL_EXPORT_COLUMNS
        rows = selectors.journal_export_rows(entries)
        return csv_response("journal.csv", columns, ([row[c] for c in columns] for row in rows))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "ledger/journal.html", {"form": form, "page": page})
