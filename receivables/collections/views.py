"""The collector's worklist page: today's customers to contact, ranked, each with its reasons, its
risk, and two row actions (log an activity with a follow-up date; take a promise to pay).

Thin views (STYLE.md rule 1): parse, check the role, call one service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from o2c.errors import DomainError
from o2c.roles import FINANCE, role_required
from receivables.cash.forms import domain_error_to
from receivables.collections import services
from receivables.collections.forms import ActivityForm, PromiseForm
from receivables.collections.worklist import worklist


def _page(request, *, failed: int | None = None, activity=None, promise=None):
    owner = request.user.pk if request.GET.get("mine") else None
    today = timezone.localdate()
    rows = worklist(as_of=today, owner_id=owner)
    forms = {
        row.customer_id: (
            activity
            if failed == row.customer_id and activity is not None
            else ActivityForm(prefix=f"a{row.customer_id}"),
            promise
            if failed == row.customer_id and promise is not None
            else PromiseForm(prefix=f"p{row.customer_id}"),
        )
        for row in rows
    }
    return render(
        request,
        "receivables/collections/worklist.html",
        {"rows": [(row, *forms[row.customer_id]) for row in rows], "today": today,
         "mine": bool(owner), "failed": failed},
        status=400 if failed else 200,
    )  # fmt: skip


@role_required(FINANCE)
def worklist_page(request):
    return _page(request)


@require_POST
@role_required(FINANCE)
def worklist_activity(request, customer_id: int):
    form = ActivityForm(request.POST, prefix=f"a{customer_id}")
    if form.is_valid():
        try:
            services.activity_log(customer_id=customer_id, by=request.user, **form.cleaned_data)
        except DomainError as error:
            domain_error_to(form, error, {"note": "note", "follow_up_on": "follow_up_on", "kind": "kind"})
        else:
            messages.success(request, "Logged: the customer leaves today's list.")
            return redirect(reverse("receivables:worklist"))
    return _page(request, failed=customer_id, activity=form)


@require_POST
@role_required(FINANCE)
def worklist_promise(request, customer_id: int):
    form = PromiseForm(request.POST, prefix=f"p{customer_id}")
    if form.is_valid():
        try:
            services.promise_make(customer_id=customer_id, by=request.user, **form.cleaned_data)
            services.activity_log(
                customer_id=customer_id,
                kind="call",
                note=f"Promised {form.cleaned_data['amount']} by {form.cleaned_data['promised_on'].isoformat()}",
                by=request.user,
            )
        except DomainError as error:
            domain_error_to(form, error, {"amount": "amount", "promised_on": "promised_on", "note": "note"})
        else:
            messages.success(request, "Promise recorded: its invoices get no reminder until its date.")
            return redirect(reverse("receivables:worklist"))
    return _page(request, failed=customer_id, promise=form)
