"""Disputes and write-offs: the open disputes by age and owner (resolved inline or on the
dispute's page), opening a dispute on an invoice, and a manager's write-off.

Thin views (STYLE.md rule 1): parse, check the role, call one pipeline step, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from customers.selectors import customer_list
from invoicing.selectors import invoice_get, invoice_lines_left
from o2c import pipeline
from o2c.errors import DomainError
from o2c.forms import param_id, param_next
from o2c.money import ZERO_CENTS as ZERO
from o2c.roles import FINANCE, MANAGER, role_required
from o2c.tables import list_page
from receivables import selectors as receivables_selectors
from receivables.cash.forms import WriteOffForm
from receivables.disputes import selectors
from receivables.disputes.forms import DisputeFilterForm, DisputeForm, DisputeResolveForm
from receivables.disputes.models import Dispute
from receivables.disputes.tables import DisputeTable, user_label

OUTCOME_DONE = {
    Dispute.Status.CREDITED: "resolved by credit note",
    Dispute.Status.REJECTED: "rejected",
    Dispute.Status.WITHDRAWN: "withdrawn",
}


def _dispute_or_404(dispute_id: int) -> Dispute:
    try:
        return selectors.dispute_list().get(pk=dispute_id)
    except Dispute.DoesNotExist:
        raise Http404("no such dispute") from None


def _invoice_from_query(request):
    invoice_id = param_id(request.GET, "invoice")
    try:
        if invoice_id is None:
            raise ObjectDoesNotExist
        return invoice_get(invoice_id=invoice_id)
    except ObjectDoesNotExist:
        raise Http404("no such invoice") from None


# --- the list -----------------------------------------------------------------------------------


@role_required(FINANCE)
def dispute_list(request):
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Dispute.Status.OPEN  # the work list: open disputes, unless asked otherwise
    form = DisputeFilterForm(data)
    cleaned = form.values or {"status": Dispute.Status.OPEN}
    filters = {"status": cleaned.get("status"), "reason": cleaned.get("reason")}
    if cleaned.get("mine"):
        filters["owner"] = request.user.pk
    if cleaned.get("customer"):
        filters["customer__in"] = customer_list(search=cleaned["customer"]).values("pk")
    return list_page(
        request,
        DisputeTable(selectors.dispute_list(filters=filters)),
        template="receivables/disputes/list.html",
        filters=form,
        records_name="disputes",
        context={"resolve_form": DisputeResolveForm(), "list_url": request.get_full_path()},
    )


# --- one dispute, resolving it ------------------------------------------------------------------


def _render_detail(request, dispute: Dispute, form: DisputeResolveForm | None = None):
    return render(
        request,
        "receivables/disputes/detail.html",
        {
            "dispute": selectors.disputes_with_age(disputes=[dispute])[0],
            "form": form or (DisputeResolveForm() if dispute.status == Dispute.Status.OPEN else None),
            "others": selectors.disputes_with_age(
                disputes=selectors.dispute_list(filters={"invoice": dispute.invoice_id}).exclude(
                    pk=dispute.pk
                )
            ),
        },
    )


@role_required(FINANCE)
@require_GET
def dispute_detail(request, dispute_id: int):
    return _render_detail(request, _dispute_or_404(dispute_id))


@role_required(FINANCE)
@require_POST
def dispute_resolve(request, dispute_id: int):
    """From the list (htmx: the row answers with its new state) or the dispute's page."""
    dispute = _dispute_or_404(dispute_id)
    form = DisputeResolveForm(request.POST)
    resolved = None
    if form.is_valid():
        try:
            resolved = pipeline.dispute_resolve(
                dispute_id=dispute.pk,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                customer_message=form.cleaned_data["customer_message"],
                by=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
    if resolved is not None:
        resolved = _dispute_or_404(dispute.pk)
        done = OUTCOME_DONE.get(resolved.status, resolved.status)
        text = f"Dispute {resolved.pk} on {resolved.invoice.number} {done}" + (
            f": credit note {resolved.credit_note.number} for {resolved.credit_note.total} {resolved.credit_note.currency}"
            if resolved.credit_note
            else ""
        )
        if request.htmx:
            return render(
                request, "receivables/disputes/list.html#row-done", {"dispute": resolved, "text": text}
            )
        messages.success(request, f"{text}.")
        return redirect(param_next(request, default=reverse("receivables:dispute-detail", args=[dispute.pk])))
    if request.htmx:
        return render(
            request,
            "receivables/disputes/list.html#row",
            {
                "dispute": selectors.disputes_with_age(disputes=[_dispute_or_404(dispute.pk)])[0],
                "resolve_form": form,
                "row_form": form,
            },
        )
    return _render_detail(request, dispute, form)


# --- opening a dispute; writing off -------------------------------------------------------------


@role_required(FINANCE)
def dispute_new(request):
    invoice = _invoice_from_query(request)
    disputed = receivables_selectors.disputed_amounts(invoice_ids=[invoice.pk]).get(invoice.pk, ZERO)
    undisputed = invoice.balance - disputed
    if undisputed <= 0:
        messages.info(
            request,
            f"Nothing of {invoice.number} is left to dispute: "
            + (
                "it is settled."
                if invoice.balance <= 0
                else f"all of its {invoice.balance} is already disputed."
            ),
        )
        return redirect("invoicing:detail", invoice_id=invoice.pk)
    lines = invoice_lines_left(invoice_id=invoice.pk).values()
    if request.method != "POST":
        form = DisputeForm(
            invoice=invoice,
            undisputed=undisputed,
            lines=lines,
            initial={"amount": undisputed, "owner": request.user.pk, "reason": Dispute.Reason.PRICING},
        )
    else:
        form = DisputeForm(request.POST, invoice=invoice, undisputed=undisputed, lines=lines)
        if form.is_valid():
            try:
                dispute = pipeline.dispute_open(
                    invoice_id=invoice.pk,
                    amount=form.cleaned_data["amount"],
                    lines=form.dispute_lines(),
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    customer_message=form.cleaned_data["customer_message"],
                    owner=form.cleaned_data["owner"] or request.user,
                    by=request.user,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    f"Dispute {dispute.pk} opened on {invoice.number} for {dispute.amount} {invoice.currency} "
                    f"({dispute.get_reason_display().lower()}), owned by {user_label(dispute.owner)}; "
                    "that amount is out of dunning until it is resolved.",
                )
                return redirect("invoicing:detail", invoice_id=invoice.pk)
    return render(
        request,
        "receivables/disputes/form.html",
        {"invoice": invoice, "form": form, "disputed": disputed, "undisputed": undisputed},
    )


@role_required(MANAGER)
def write_off_new(request):
    invoice = _invoice_from_query(request)
    if invoice.balance <= 0:
        messages.info(request, f"Nothing is open on {invoice.number}: there is nothing to write off.")
        return redirect("invoicing:detail", invoice_id=invoice.pk)
    if request.method != "POST":
        form = WriteOffForm(invoice=invoice, initial={"amount": invoice.balance})
    else:
        form = WriteOffForm(request.POST, invoice=invoice)
        if form.is_valid():
            try:
                written = pipeline.write_off(
                    invoice_id=invoice.pk,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    f"{written.amount} {invoice.currency} of {invoice.number} written off to bad debt.",
                )
                return redirect("invoicing:detail", invoice_id=invoice.pk)
    disputed = receivables_selectors.disputed_amounts(invoice_ids=[invoice.pk]).get(invoice.pk, ZERO)
    return render(
        request,
        "receivables/disputes/write_off_form.html",
        {"invoice": invoice, "form": form, "disputed": disputed},
    )
