"""Bank statement pages under /cash/bank/: the statements with the upload form, the column
mapping of a CSV layout seen for the first time, and one statement's review, where the clerk
confirms or corrects each line's customer and allocations and then records the confirmed lines
as payments in one go, watching a progress bar.

Thin views: parse the request, call one function of receivables/bank_import.py (or start the
recording task), render. A refusal (DomainError) is shown next to its field or on its line.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from customers.selectors import customer_currencies, customer_list
from o2c.csv import csv_response
from o2c.errors import DomainError
from o2c.forms import BootstrapForm, id_suffix, param_text
from o2c.parsing import safe_filename
from o2c.roles import FINANCE, role_required
from receivables import bank_import, bank_matching
from receivables.bank_tasks import bank_statement_record_start
from receivables.bankfiles import DATE_FORMATS, CsvMapping, csv_lines, csv_read, mapping_guess
from receivables.models import BankStatement, BankStatementLine

PAGE_SIZE = 50
LINES_PAGE_SIZE = 100
SUGGESTIONS = 12
Line = BankStatementLine.Status
STATEMENT_CSV_HEADER = [
    "id",
    "file_name",
    "format",
    "uploaded_at",
    "uploaded_by",
    "status",
    "lines",
    "credits",
    "recorded",
    "to_confirm",
]
LINE_CSV_HEADER = [
    "line",
    "booking_date",
    "amount",
    "currency",
    "counterparty",
    "counterparty_account",
    "reference",
    "bank_reference",
    "status",
    "customer_code",
    "customer_name",
    "allocations",
    "unapplied",
    "note",
    "payment",
]


# ── forms ────────────────────────────────────────────────────────────────────────────────────────


def _currency_choices() -> list[tuple[str, str]]:
    currencies = sorted({settings.O2C_BASE_CURRENCY, *customer_currencies()})
    return [(code, code) for code in currencies]


class UploadForm(BootstrapForm):
    small = True
    file = forms.FileField(label="Statement file", help_text="CSV export or CAMT.053 XML")
    currency = forms.ChoiceField(label="Currency (CSV)", help_text="CAMT.053 files give their own")
    remap = forms.BooleanField(label="Check the column mapping again", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = _currency_choices()
        self.fields["currency"].initial = settings.O2C_BASE_CURRENCY
        self.fields["file"].widget.attrs.update(
            {"accept": ".csv,.txt,.xml,text/csv,text/xml", "autofocus": True}
        )


class MappingForm(BootstrapForm):
    small = True
    date_column = forms.ChoiceField(label="Date")
    date_format = forms.ChoiceField(label="Date format", choices=[(k, v) for k, v in DATE_FORMATS.items()])
    amount_column = forms.ChoiceField(label="Amount")
    decimal_comma = forms.BooleanField(label="Decimal comma (1.234,56)", required=False)
    reference_column = forms.ChoiceField(label="Reference")
    counterparty_column = forms.ChoiceField(label="Counterparty", required=False)
    name = forms.CharField(label="Bank or layout name", max_length=100, required=False)
    currency = forms.ChoiceField(label="Currency")

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", "— choose —"), *((name, name) for name in header)]
        for name in ("date_column", "amount_column", "reference_column"):
            self.fields[name].choices = columns
        self.fields["counterparty_column"].choices = [("", "— none —"), *columns[1:]]
        self.fields["currency"].choices = _currency_choices()
        self.fields["date_column"].widget.attrs["autofocus"] = True

    def mapping(self) -> CsvMapping:
        data = self.cleaned_data
        return CsvMapping(
            date_column=data["date_column"],
            amount_column=data["amount_column"],
            reference_column=data["reference_column"],
            counterparty_column=data.get("counterparty_column") or "",
            date_format=data["date_format"],
            decimal_comma=bool(data.get("decimal_comma")),
        )


def _field_error(form: forms.Form, refusal: DomainError) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


# ── statements and upload ────────────────────────────────────────────────────────────────────────


@role_required(FINANCE)
def bank_statements(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES["file"]
        try:
            result = bank_import.statement_upload(
                file_name=safe_filename(upload.name, fallback="statement"),
                content=upload.read(),
                currency=form.cleaned_data["currency"],
                remap=form.cleaned_data["remap"],
                by=request.user,
            )
        except DomainError as refusal:
            _field_error(form, refusal)
        else:
            if result.pending:
                query = urlencode({"name": upload.name, "currency": form.cleaned_data["currency"]})
                return redirect(f"{reverse('receivables:bank-mapping', args=[result.pending])}?{query}")
            if result.already_imported:
                messages.warning(
                    request,
                    f"{upload.name} was imported before, on {result.statement.uploaded_at:%Y-%m-%d}: "
                    "this is that statement. Nothing was imported or recorded again.",
                )
            else:
                messages.success(request, _imported_message(result.statement))
            return redirect("receivables:bank-statement", statement_id=result.statement.pk)
    statements = bank_import.statement_list()
    if request.GET.get("export") == "csv":
        return csv_response(
            "bank-statements.csv", STATEMENT_CSV_HEADER, (_statement_row(s) for s in statements.iterator())
        )
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/bank/statement_list.html",
        {"form": form, "page": page, "statements": list(page)},
        status=400 if form.errors else 200,
    )


def _statement_row(statement: BankStatement) -> list:
    return [
        statement.pk,
        statement.file_name,
        statement.format,
        statement.uploaded_at.isoformat(),
        statement.uploaded_by.username if statement.uploaded_by else "",
        statement.status,
        statement.line_count,
        statement.credits or "0.00",
        statement.recorded,
        statement.to_confirm,
    ]


def _imported_message(statement: BankStatement) -> str:
    counts = bank_import.statement_counts(statement_id=statement.pk)
    total = sum(part["count"] for part in counts.values())
    parts = [
        f"{counts[Line.MATCHED]['count']} matched",
        f"{counts[Line.UNMATCHED]['count']} to match by hand",
    ]
    if counts[Line.DUPLICATE]["count"]:
        parts.append(f"{counts[Line.DUPLICATE]['count']} imported before (skipped)")
    if counts[Line.IGNORED]["count"]:
        parts.append(f"{counts[Line.IGNORED]['count']} debits ignored")
    return f"Imported {statement.file_name}: {total} lines, {', '.join(parts)}. Check them, then record."


@role_required(FINANCE)
def bank_mapping(request, sha: str):
    """The column mapping of a CSV layout seen for the first time, with a preview."""
    file_name = safe_filename(request.GET.get("name") or "", fallback="statement.csv")
    try:
        content = bank_import.pending_read(sha)
        table = csv_read(content)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("receivables:bank-statements")
    known = bank_import.mapping_known(table)
    guess = bank_import.mapping_of(known) if known else mapping_guess(table)
    initial = {
        **guess.__dict__,
        "name": known.name if known else "",
        "currency": request.GET.get("currency") or settings.O2C_BASE_CURRENCY,
    }
    bound = request.method == "POST" or "preview" in request.GET
    form = MappingForm(
        (request.POST if request.method == "POST" else request.GET) if bound else None,
        header=table.header,
        initial=initial,
    )
    preview, preview_error = [], ""
    mapping = guess
    if form.is_valid():
        mapping = form.mapping()
        if request.method == "POST":
            try:
                statement = bank_import.csv_import(
                    file_name=file_name,
                    content=content,
                    mapping=mapping,
                    currency=form.cleaned_data["currency"],
                    mapping_name=form.cleaned_data["name"],
                    by=request.user,
                )
            except DomainError as refusal:
                _field_error(form, refusal)
            else:
                bank_import.pending_discard(sha)
                messages.success(request, _imported_message(statement))
                return redirect("receivables:bank-statement", statement_id=statement.pk)
    sample = type(table)(delimiter=table.delimiter, header=table.header, rows=table.rows[:8])
    try:
        preview = csv_lines(sample, mapping, currency=initial["currency"])
    except DomainError as refusal:
        preview_error = refusal.message
    context = {
        "form": form,
        "table": sample,
        "file_name": file_name,
        "rows_total": len(table.rows),
        "delimiter": {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(table.delimiter),
        "preview": preview,
        "preview_error": preview_error,
        "known": known,
        "sha": sha,
    }
    if request.htmx and request.method == "GET":
        return render(request, "receivables/bank/mapping.html#preview", context)
    return render(request, "receivables/bank/mapping.html", context, status=400 if form.errors else 200)


# ── one statement ────────────────────────────────────────────────────────────────────────────────


def _statement_or_404(statement_id: int) -> BankStatement:
    try:
        return bank_import.statement_get(statement_id=statement_id)
    except BankStatement.DoesNotExist:
        raise Http404("no such bank statement") from None


def _review_context(statement: BankStatement, **extra) -> dict:
    counts = bank_import.statement_counts(statement_id=statement.pk)
    return {
        "statement": statement,
        "counts": counts,
        "to_review": counts[Line.MATCHED]["count"] + counts[Line.UNMATCHED]["count"],
        "status_tabs": [(value, label, counts[value]["count"]) for value, label in Line.choices],
        "editable": statement.status != BankStatement.Status.RECORDING,
        **extra,
    }


@role_required(FINANCE)
def bank_statement(request, statement_id: int):
    statement = _statement_or_404(statement_id)
    status = request.GET.get("status") if request.GET.get("status") in Line.values else ""
    lines = bank_import.statement_lines(statement_id=statement.pk, status=status or None)
    if request.GET.get("export") == "csv":
        rows = (_line_row(line) for line in bank_import.lines_with_invoices(lines))
        return csv_response(f"bank-statement-{statement.pk}.csv", LINE_CSV_HEADER, rows)
    page = Paginator(lines, LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "receivables/bank/statement.html",
        _review_context(statement, page=page, lines=bank_import.lines_with_invoices(page), status=status),
    )


def _line_row(line: BankStatementLine) -> list:
    return [
        line.line_no,
        line.booking_date,
        line.amount,
        line.currency,
        line.counterparty,
        line.counterparty_account,
        line.reference,
        line.bank_reference,
        line.status,
        line.customer.code if line.customer else "",
        line.customer.name if line.customer else "",
        "; ".join(f"{number} {amount}" for number, amount in line.allocation_rows),
        line.unapplied if line.customer else "",
        line.match_note,
        line.payment.number if line.payment else "",
    ]


def _line_or_404(statement_id: int, line_id: int) -> BankStatementLine:
    try:
        return bank_import.line_get(statement_id=statement_id, line_id=line_id)
    except BankStatementLine.DoesNotExist:
        raise Http404("no such line") from None


@role_required(FINANCE)
def bank_line(request, statement_id: int, line_id: int):
    """GET: the line's edit row (customer and allocations; `customer` picks another customer).
    POST: the clerk's decision on the line; htmx gets the row back, a plain form a redirect."""
    statement = _statement_or_404(statement_id)
    line = _line_or_404(statement_id, line_id)
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{reverse('receivables:bank-statement', args=[statement_id])}#line-{line.pk}")
        if request.GET.get("row"):
            return render(
                request, "receivables/bank/statement.html#line", _review_context(statement, line=line)
            )
        return _edit_row(request, statement, line, code=param_text(request.GET, "customer"))
    if request.method != "POST":
        return HttpResponse(status=405)
    action = request.POST.get("action", "")
    allocations = {
        id_suffix(key, "alloc-"): value for key, value in request.POST.items() if id_suffix(key, "alloc-")
    }
    try:
        bank_import.line_decide(
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
        return _row(request, _statement_or_404(statement_id), line)
    messages.success(request, f"Line {line.line_no} is {line.get_status_display().lower()}.")
    return redirect("receivables:bank-statement", statement_id=statement_id)


def _row(request, statement, line, error: str = ""):
    """The line's row, and the statement's summary out of band (its counts changed)."""
    return render(
        request,
        "receivables/bank/statement.html#line-update",
        _review_context(statement, line=line, error=error),
    )


def _edit_row(request, statement, line, *, code: str | None, error: DomainError | None = None):
    code = (code if code is not None else (line.customer.code if line.customer else "")).strip()
    customer = customer_list(filters={"code": code}).first() if code else None
    invoices = bank_matching.line_proposal(line=line, customer_id=customer.pk) if customer else []
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


@role_required(FINANCE)
@require_POST
def bank_confirm_matched(request, statement_id: int):
    statement = _statement_or_404(statement_id)
    try:
        confirmed = bank_import.matched_confirm(statement_id=statement.pk)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{confirmed} matched line{'s' if confirmed != 1 else ''} confirmed.")
    return redirect("receivables:bank-statement", statement_id=statement.pk)


@role_required(FINANCE)
@require_POST
def bank_record(request, statement_id: int):
    statement = _statement_or_404(statement_id)
    try:
        total = bank_statement_record_start(statement_id=statement.pk, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        statement.refresh_from_db()
        if statement.status == BankStatement.Status.RECORDING:
            messages.info(
                request, f"Recording {total} confirmed line{'s' if total != 1 else ''} as payments…"
            )
        else:
            messages.success(request, _recorded_message(statement))
    return redirect("receivables:bank-statement", statement_id=statement.pk)


def _recorded_message(statement: BankStatement) -> str:
    done = f"Recording done: {statement.lines_done} of {statement.lines_total} confirmed lines processed."
    return f"{done} {statement.error}" if statement.error else done


@role_required(FINANCE)
@require_GET
def bank_progress(request, statement_id: int):
    """The progress bar while the statement is recorded; when done, htmx reloads the page."""
    statement = _statement_or_404(statement_id)
    response = render(request, "receivables/bank/statement.html#progress", {"statement": statement})
    if statement.status != BankStatement.Status.RECORDING and request.htmx:
        messages.success(request, _recorded_message(statement))
        response["HX-Refresh"] = "true"
    return response


urlpatterns = [
    path("bank/", bank_statements, name="bank-statements"),
    path("bank/map/<str:sha>/", bank_mapping, name="bank-mapping"),
    path("bank/customers/", bank_customer_search, name="bank-customer-search"),
    path("bank/<int:statement_id>/", bank_statement, name="bank-statement"),
    path("bank/<int:statement_id>/lines/<int:line_id>/", bank_line, name="bank-line"),
    path("bank/<int:statement_id>/confirm-matched/", bank_confirm_matched, name="bank-confirm-matched"),
    path("bank/<int:statement_id>/record/", bank_record, name="bank-record"),
    path("bank/<int:statement_id>/progress/", bank_progress, name="bank-progress"),
]
