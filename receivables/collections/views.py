"""The collector's worklist page: today's customers to contact, ranked, each with its reasons, its
risk, and two row actions (log an activity with a follow-up date; take a promise to pay).

Thin views (STYLE.md rule 1): parse, check the role, call one service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from customers.selectors import customer_get
from notifications.receivables import statement_text
from o2c.errors import DomainError
from o2c.roles import FINANCE, role_required
from receivables.cash.forms import domain_error_to
from receivables.collections import emails, services
from receivables.collections.forms import ActivityForm, EmailForm, PromiseForm
from receivables.collections.worklist import reminders_tomorrow, worklist


def _page(request, *, failed: int | None = None, activity=None, promise=None):
    owner = request.user.pk if request.GET.get("mine") else None
    today = timezone.localdate()
    tomorrow = reminders_tomorrow(as_of=today)
    rows = worklist(as_of=today, owner_id=owner, tomorrow=tomorrow)
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
         "mine": bool(owner), "failed": failed, "tomorrow": tomorrow},
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


@role_required(FINANCE)
def worklist_email(request, customer_id: int):
    """GET: the `statement` template rendered for the customer, in its language, to read and edit;
    POST: send it with the statement attached and log it (the customer leaves today's list)."""
    try:
        customer = customer_get(customer_id=customer_id)
    except ObjectDoesNotExist:
        raise Http404("no such customer") from None
    if request.method == "POST":
        form = EmailForm(request.POST)
        if form.is_valid():
            try:
                emails.collection_email_send(customer_id=customer.pk, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    f"E-mail to {customer.email} queued with the statement; {customer.code} leaves today's list.",
                )
                return redirect(reverse("receivables:worklist"))
    else:
        subject, body = statement_text(
            customer=customer,
            as_of=timezone.localdate(),
            collector_name=request.user.get_full_name() or request.user.username,
        )
        form = EmailForm(initial={"subject": subject, "body": body})
    return render(
        request,
        "receivables/collections/email.html",
        {"form": form, "customer": customer},
        status=400 if form.is_bound else 200,
    )
