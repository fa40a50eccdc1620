"""Invoice pages: the list, one invoice (lines, tax, settlements, credit notes, delivery), its
PDF, finance's credit note, and the list of credit notes.

Thin views (STYLE.md rule 1): parse the request, check the role, call one pipeline step, render.
A PDF page serves the stored document once delivery has rendered it, else renders one on the fly
without storing it: a GET changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from customers.selectors import customer_list
from invoicing import selectors
from invoicing.delivery import credit_note_delivery_statuses, invoice_delivery_status
from invoicing.documents import credit_note_pdf_render, invoice_pdf_render
from invoicing.forms import CreditNoteFilterForm, CreditNoteForm, InvoiceFilterForm
from invoicing.models import CreditNote, Invoice
from invoicing.tables import CreditNoteTable, InvoiceTable
from o2c import pipeline
from o2c.documents import pdf_response
from o2c.errors import DomainError
from o2c.money import ZERO
from o2c.roles import FINANCE, MANAGER, SALES, WAREHOUSE, has_role, role_required
from o2c.tables import list_page
from receivables.cash import selectors as cash_selectors
from receivables.disputes import selectors as dispute_selectors


def _invoice_or_404(invoice_id: int) -> Invoice:
    try:
        return selectors.invoice_get(invoice_id=invoice_id)
    except Invoice.DoesNotExist:
        raise Http404("no such invoice") from None


def _credit_note_or_404(credit_note_id: int) -> CreditNote:
    try:
        return selectors.credit_note_list().get(pk=credit_note_id)
    except CreditNote.DoesNotExist:
        raise Http404("no such credit note") from None


def _pdf_response(document: Invoice | CreditNote, render_pdf) -> HttpResponse:
    """The stored PDF when delivery has stored one, else one rendered now and not stored."""
    content = None
    if document.pdf and document.pdf.storage.exists(document.pdf.name):
        with document.pdf.storage.open(document.pdf.name, "rb") as stored:
            content = stored.read()
    if content is None:
        content = render_pdf()
    return pdf_response(content, filename=f"{document.number}.pdf")


# --- invoices -----------------------------------------------------------------------------------


@role_required(SALES, WAREHOUSE, FINANCE)
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None)
    filters = form.values
    selection = {"status": filters.get("status")}
    if filters.get("customer"):
        selection["customer__in"] = customer_list(search=filters["customer"]).values("pk")
    # the list shows no lines: the selector's prefetch of them is dropped
    invoices = selectors.invoice_list(filters=selection, overdue=filters.get("overdue")).prefetch_related(
        None
    )
    if filters.get("q"):
        invoices = invoices.filter(
            Q(number__icontains=filters["q"]) | Q(order__number__icontains=filters["q"])
        )
    return list_page(
        request,
        InvoiceTable(invoices),
        template="invoicing/invoice_list.html",
        filters=form,
        records_name="invoices",
    )


def _lines_with_credits(invoice: Invoice, credit_notes: list[CreditNote]) -> list:
    """The invoice's lines, each with `credited` (quantity on credit notes so far) and
    `remaining`, from the prefetched lines of its credit notes."""
    credited: dict[int, Decimal] = {}
    for note in credit_notes:
        for line in note.lines.all():
            if line.invoice_line_id and line.quantity:
                credited[line.invoice_line_id] = credited.get(line.invoice_line_id, ZERO) + line.quantity
    lines = list(invoice.lines.all())
    for line in lines:
        line.credited = credited.get(line.pk, ZERO)
        line.remaining = line.quantity - line.credited
    return lines


@role_required(SALES, WAREHOUSE, FINANCE)
def invoice_detail(request, invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    credit_notes = list(
        selectors.credit_note_list(filters={"invoice": invoice.pk})
        .select_related("created_by")
        .order_by("pk")
    )
    deliveries = credit_note_delivery_statuses(credit_notes=credit_notes)
    for note in credit_notes:
        note.delivery = deliveries[note.pk]
    allocations, disputes = _invoice_cash(invoice)
    disputed = sum((d.amount for d in disputes if d.status == "open"), ZERO)
    finance, open_balance = has_role(request.user, FINANCE), invoice.balance > 0
    return render(
        request,
        "invoicing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": _lines_with_credits(invoice, credit_notes),
            "tax_rates": [
                {**rate, "gross": rate["net"] + rate["tax"]} for rate in selectors.tax_summary(invoice)
            ],
            "credit_notes": credit_notes,
            "delivery": invoice_delivery_status(invoice=invoice),
            "can_credit": has_role(request.user, FINANCE) and invoice.creditable > 0,
            "allocations": allocations,
            "disputes": disputes,
            "cash_pages": finance,
            "can_pay": finance and open_balance,
            "can_dispute": finance and invoice.balance > disputed,
            "can_write_off": has_role(request.user, MANAGER) and open_balance,
        },
    )


def _invoice_cash(invoice: Invoice) -> tuple[list, list]:
    """The payments applied to the invoice (reversed ones too) and its disputes, in three queries."""
    payments = cash_selectors.payment_list(filters={"allocations__invoice": invoice.pk}).distinct()
    allocations = sorted(
        (a for payment in payments for a in payment.allocations.all() if a.invoice_id == invoice.pk),
        key=lambda allocation: (allocation.applied_on, allocation.pk),
    )
    disputes = list(
        dispute_selectors.dispute_list(filters={"invoice": invoice.pk}).order_by("opened_on", "pk")
    )
    return allocations, disputes


@role_required(SALES, WAREHOUSE, FINANCE)
def invoice_pdf(request, invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    return _pdf_response(invoice, lambda: invoice_pdf_render(invoice=invoice))


@role_required(FINANCE)
def credit_note_create(request, invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    credit_notes = list(selectors.credit_note_list(filters={"invoice": invoice.pk}).order_by("pk"))
    lines = _lines_with_credits(invoice, credit_notes)
    open_disputes = list(dispute_selectors.open_disputes(invoice_id=invoice.pk))
    if request.method != "POST":
        if invoice.creditable <= 0:
            messages.info(request, f"Nothing remains open on {invoice.number}: there is nothing to credit.")
            return redirect("invoicing:detail", invoice_id=invoice.pk)
        form = CreditNoteForm(
            invoice=invoice,
            lines=lines,
            open_disputes=open_disputes,
            initial={"mode": request.GET.get("mode", "full" if invoice.balance > 0 else "lines")},
        )
    else:
        form = CreditNoteForm(request.POST, invoice=invoice, lines=lines, open_disputes=open_disputes)
        if form.is_valid():
            try:
                note = pipeline.credit_note_issue(
                    invoice_id=invoice.pk, by=request.user, **form.pipeline_arguments()
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                on_account = (
                    f" {note.amount_on_account} of it goes back to the customer as unapplied cash."
                    if note.amount_on_account
                    else ""
                )
                messages.success(
                    request,
                    f"Credit note {note.number} issued on {invoice.number} for {note.total} {note.currency}; "
                    f"it is sent to the customer.{on_account}",
                )
                return redirect("invoicing:detail", invoice_id=invoice.pk)
    return render(
        request,
        "invoicing/credit_note_form.html",
        {"invoice": invoice, "form": form, "credit_notes": credit_notes},
    )


# --- credit notes -------------------------------------------------------------------------------


@role_required(SALES, WAREHOUSE, FINANCE)
def credit_note_list(request):
    form = CreditNoteFilterForm(request.GET or None)
    filters = form.values
    selection = {}
    if filters.get("customer"):
        selection["customer__in"] = customer_list(search=filters["customer"]).values("pk")
    notes = selectors.credit_note_list(filters=selection).prefetch_related(None)
    if filters.get("q"):
        notes = notes.filter(Q(number__icontains=filters["q"]) | Q(invoice__number__icontains=filters["q"]))
    return list_page(
        request,
        CreditNoteTable(notes),
        template="invoicing/credit_note_list.html",
        filters=form,
        records_name="notes",
    )


@role_required(SALES, WAREHOUSE, FINANCE)
def credit_note_detail(request, credit_note_id: int):
    """One credit note with its documents: the invoice it credits (and that invoice's order) and
    the dispute it resolves."""
    note = _credit_note_or_404(credit_note_id)
    note.delivery = credit_note_delivery_statuses(credit_notes=[note])[note.pk]
    return render(
        request,
        "invoicing/credit_note_detail.html",
        {
            "note": note,
            "disputes": list(dispute_selectors.dispute_list(filters={"credit_note": note.pk})),
            "can_see_disputes": has_role(request.user, FINANCE),
            "on_account_payments": cash_selectors.credit_note_payments(credit_note_id=note.pk)
            if note.amount_on_account
            else [],
        },
    )


@role_required(SALES, WAREHOUSE, FINANCE)
def credit_note_pdf(request, credit_note_id: int):
    note = _credit_note_or_404(credit_note_id)
    return _pdf_response(note, lambda: credit_note_pdf_render(credit_note=note))
