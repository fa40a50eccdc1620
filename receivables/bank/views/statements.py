"""Bank statement pages under /cash/bank/: the statements with the upload form, the column
mapping of a CSV layout seen for the first time, and one statement's review, where the clerk
confirms or corrects each line's customer and allocations and then records the confirmed lines
as payments in one go, watching a progress bar.

Thin views: parse the request, call one function of receivables/bank/services/ (or start the
recording task), render. A refusal (DomainError) is shown next to its field or on its line.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from o2c.errors import DomainError
from o2c.parsing import safe_filename
from o2c.roles import FINANCE, role_required
from o2c.tables import list_page
from receivables.bank import selectors, services
from receivables.bank.files import csv_lines, csv_read, mapping_guess
from receivables.bank.forms import LineFilterForm, MappingForm, StatementFilterForm, UploadForm, field_error
from receivables.bank.models import BankStatement, BankStatementLine
from receivables.bank.tables import LineTable, StatementTable
from receivables.bank.tasks import bank_statement_record_start

Line = BankStatementLine.Status


# ── statements and upload ────────────────────────────────────────────────────────────────────────


@role_required(FINANCE)
def bank_statements(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES["file"]
        try:
            result = services.statement_upload(
                file_name=safe_filename(upload.name, fallback="statement"),
                content=upload.read(),
                currency=form.cleaned_data["currency"],
                remap=form.cleaned_data["remap"],
                by=request.user,
            )
        except DomainError as refusal:
            field_error(form, refusal)
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
    filters = StatementFilterForm(request.GET or None)
    values = filters.values
    statements = selectors.statement_list()
    if values.get("q"):
        statements = statements.filter(file_name__icontains=values["q"])
    if values.get("status"):
        statements = statements.filter(status=values["status"])
    return list_page(
        request,
        StatementTable(statements),
        template="receivables/bank/statement_list.html",
        filters=filters,
        records_name="statements",
        context={"form": form},
        status=400 if form.errors else 200,
    )


def _imported_message(statement: BankStatement) -> str:
    counts = selectors.statement_counts(statement_id=statement.pk)
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
        content = services.pending_read(sha)
        table = csv_read(content)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("receivables:bank-statements")
    known = services.mapping_known(table)
    guess = services.mapping_of(known) if known else mapping_guess(table)
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
                statement = services.csv_import(
                    file_name=file_name,
                    content=content,
                    mapping=mapping,
                    currency=form.cleaned_data["currency"],
                    mapping_name=form.cleaned_data["name"],
                    by=request.user,
                )
            except DomainError as refusal:
                field_error(form, refusal)
            else:
                services.pending_discard(sha)
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


def statement_or_404(statement_id: int) -> BankStatement:
    try:
        return selectors.statement_get(statement_id=statement_id)
    except BankStatement.DoesNotExist:
        raise Http404("no such bank statement") from None


def review_context(statement: BankStatement, **extra) -> dict:
    counts = selectors.statement_counts(statement_id=statement.pk)
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
    statement = statement_or_404(statement_id)
    filters = LineFilterForm(request.GET or None)
    values = filters.values
    status = values.get("status") or ""
    lines = selectors.statement_lines(statement_id=statement.pk, status=status or None)
    if values.get("q"):
        lines = lines.filter(
            Q(counterparty__icontains=values["q"])
            | Q(reference__icontains=values["q"])
            | Q(bank_reference__icontains=values["q"])
        )
    return list_page(
        request,
        LineTable(lines, statement=statement),
        template="receivables/bank/statement.html",
        filters=filters,
        records_name="lines",
        context=review_context(statement, status=status),
    )


@role_required(FINANCE)
@require_POST
def bank_confirm_matched(request, statement_id: int):
    statement = statement_or_404(statement_id)
    try:
        confirmed = services.matched_confirm(statement_id=statement.pk, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{confirmed} matched line{'s' if confirmed != 1 else ''} confirmed.")
    return redirect("receivables:bank-statement", statement_id=statement.pk)


@role_required(FINANCE)
@require_POST
def bank_record(request, statement_id: int):
    statement = statement_or_404(statement_id)
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
    statement = statement_or_404(statement_id)
    response = render(request, "receivables/bank/statement.html#progress", {"statement": statement})
    if statement.status != BankStatement.Status.RECORDING and request.htmx:
        messages.success(request, _recorded_message(statement))
        response["HX-Refresh"] = "true"
    return response
