"""One line of a statement under review: the clerk confirms, unconfirms, ignores or restores it, or
corrects its customer and allocations (an htmx row, or a plain form and a redirect)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from customers.selectors import customer_list
from o2c.errors import DomainError
from o2c.forms import id_suffix, param_text
from o2c.roles import FINANCE, role_required
from receivables.bank import matching, selectors, services
from receivables.bank.models import BankStatementLine
from receivables.bank.views.statements import review_context, statement_or_404

SUGGESTIONS = 12


def _line_or_404(statement_id: int, line_id: int) -> BankStatementLine:
    try:
        return selectors.line_get(statement_id=statement_id, line_id=line_id)
    except BankStatementLine.DoesNotExist:
        raise Http404("no such line") from None


@role_required(FINANCE)
def bank_line(request, statement_id: int, line_id: int):
    """GET: the line's edit row (customer and allocations; `customer` picks another customer).
    POST: the clerk's decision on the line; htmx gets the row back, a plain form a redirect."""
    statement = statement_or_404(statement_id)
    line = _line_or_404(statement_id, line_id)
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{reverse('receivables:bank-statement', args=[statement_id])}#line-{line.pk}")
        if request.GET.get("row"):
            return render(
                request, "receivables/bank/statement.html#line", review_context(statement, line=line)
            )
        return _edit_row(request, statement, line, code=param_text(request.GET, "customer"))
    if request.method != "POST":
        return HttpResponse(status=405)
    action = request.POST.get("action", "")
    allocations = {
        id_suffix(key, "alloc-"): value for key, value in request.POST.items() if id_suffix(key, "alloc-")
    }
    try:
        services.line_decide(
            statement_id=statement_id,
            line_id=line_id,
            action=action,
            customer_code=param_text(request.POST, "customer"),
            allocations=allocations,
            confirm=request.POST.get("confirm") == "1",
            by=request.user,
        )
    except DomainError as refusal:
        if request.htmx and action == "save":
            return _edit_row(
                request, statement, line, code=param_text(request.POST, "customer"), error=refusal
            )
        if request.htmx:
            return _row(request, statement, line, error=refusal.message)
        messages.error(request, f"Line {line.line_no}: {refusal.message}")
        return redirect("receivables:bank-statement", statement_id=statement_id)
    line = _line_or_404(statement_id, line_id)
    if request.htmx:
        return _row(request, statement_or_404(statement_id), line)
    messages.success(request, f"Line {line.line_no} is {line.get_status_display().lower()}.")
    return redirect("receivables:bank-statement", statement_id=statement_id)


def _row(request, statement, line, error: str = ""):
    """The line's row, and the statement's summary out of band (its counts changed)."""
    return render(
        request,
        "receivables/bank/statement.html#line-update",
        review_context(statement, line=line, error=error),
    )


def _edit_row(request, statement, line, *, code: str | None, error: DomainError | None = None):
    code = (code if code is not None else (line.customer.code if line.customer else "")).strip()
    customer = customer_list(filters={"code": code}).first() if code else None
    invoices = matching.line_proposal(line=line, customer_id=customer.pk) if customer else []
    if error is not None and customer is not None:  # keep what the clerk typed
        for invoice in invoices:
            invoice["typed"] = request.POST.get(f"alloc-{invoice['invoice_id']}", "")
    return render(
        request,
        "receivables/bank/statement.html#line-edit",
        {
            "statement": statement,
            "line": line,
            "code": code,
            "customer": customer,
            "customer_missing": bool(code) and customer is None,
            "invoices": invoices,
            "error": error,
            "typed": error is not None,
        },
    )


@role_required(FINANCE)
@require_GET
def bank_customer_search(request):
    """Customer suggestions for a line's customer field (a datalist)."""
    query = param_text(request.GET, "customer")
    customers = list(customer_list(search=query)[:SUGGESTIONS]) if query else []
    return render(request, "receivables/bank/statement.html#customer-options", {"customers": customers})
