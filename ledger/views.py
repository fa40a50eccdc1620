from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render

from ledger import selectors, services
from ledger.forms import AsOfForm, JournalFilterForm, LockDateForm
from ledger.tables import JournalTable
from o2c.csv import csv_response
from o2c.errors import DomainError
from o2c.roles import FINANCE, role_required
from o2c.tables import list_page


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
    filters = form.values
    entries = selectors.journal_entry_list(
        source=filters.get("source") or None,
        account=filters.get("account") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        search=filters.get("q") or None,
    )
    return list_page(request, JournalTable(entries), template="ledger/journal.html", filters=form)


@role_required(FINANCE)
def lock_date(request):
    """The books' lock date: finance moves it forward; a manager may move it back or clear it."""
    current = selectors.ledger_settings_get()
    form = LockDateForm(request.POST or None, initial={"lock_date": current.lock_date})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.lock_date_set(lock_date=form.cleaned_data["lock_date"], by=request.user)
        except DomainError as error:
            form.add_error("lock_date", error.message)
        else:
            locked = row.lock_date.isoformat() if row.lock_date else None
            messages.success(
                request, f"The books are locked up to {locked}." if locked else "No period is locked."
            )
            return redirect("ledger:lock-date")
    return render(
        request,
        "ledger/lock_date.html",
        {
            "form": form,
            "current": current,
            "books_start": settings.O2C_BOOKS_START,
            "latest": services.latest_posting_date(),
        },
    )
