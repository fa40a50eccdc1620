"""Dunning pages for finance: the levels, a preview of who would get which notice on a date, the
"Run dunning" button (a DunningRun task whose progress bar the page polls), past runs, the
notices per customer and each notice's PDF letter.

Thin views: a GET only reads (the preview writes nothing); the run is started by
`services.dunning_run_start` and executed by the task after commit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from customers.selectors import customer_list
from o2c.csv import csv_response
from o2c.documents import pdf_response
from o2c.errors import DomainError
from o2c.forms import param_id
from o2c.money import ZERO
from o2c.roles import FINANCE, MANAGER, has_role, role_required
from o2c.tables import list_page
from receivables.dunning import selectors, services
from receivables.dunning.forms import NoticeFilterForm, PreviewForm
from receivables.dunning.letters import letter_filename, letter_pdf, notice_delivery_states
from receivables.dunning.models import DunningRun
from receivables.dunning.tables import NoticeTable
from receivables.dunning.tasks import dunning_run_execute

RUNS_SHOWN = 15
PREVIEW_CSV_HEADER = [
    "customer_code",
    "customer_name",
    "notice_level",
    "invoice",
    "invoice_level",
    "issue_date",
    "due_date",
    "days_overdue",
    "currency",
    "balance",
    "disputed",
    "amount_due",
    "blocks_customer",
]
RUNS_CSV_HEADER = [
    "run",
    "as_of",
    "status",
    "started_at",
    "started_by",
    "finished_at",
    "customers",
    "notices_sent",
]
LEVELS_CSV_HEADER = ["level", "name", "days_overdue", "subject", "blocks_customer", "active", "tone"]


def _admin_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- the dunning page ---------------------------------------------------------------------------


@role_required(FINANCE)
def dunning_page(request):
    form = PreviewForm(request.GET or None)
    as_of = timezone.localdate()
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    export = request.GET.get("export")
    if export == "levels":
        return csv_response(
            "dunning-levels.csv",
            LEVELS_CSV_HEADER,
            (
                [
                    level.level,
                    level.name,
                    level.days_overdue,
                    level.subject,
                    level.blocks_customer,
                    level.active,
                    level.tone,
                ]
                for level in selectors.dunning_level_list()
            ),
        )
    if export == "runs":
        return csv_response(
            "dunning-runs.csv", RUNS_CSV_HEADER, map(_run_csv_row, selectors.dunning_run_list())
        )
    if export == "preview":
        return csv_response(
            f"dunning-preview-{as_of.isoformat()}.csv",
            PREVIEW_CSV_HEADER,
            (
                _preview_csv_row(notice, invoice)
                for notice in selectors.dunning_preview(as_of=as_of)
                for invoice in notice.invoices
            ),
        )
    running = selectors.dunning_run_list().filter(status=DunningRun.Status.RUNNING).first()
    return render(
        request,
        "receivables/dunning/dunning.html",
        {
            "form": form,
            **_page_parts(as_of),
            "levels": selectors.dunning_level_list(),
            "running": _run_context(running.pk) if running else None,
            "levels_admin_url": _admin_url("admin:receivables_dunninglevel_changelist")
            if request.user.has_perm("receivables.change_dunninglevel") and request.user.is_staff
            else None,
            # the e-mail of each tone, per language: the notifications page (managers)
            "templates_url": _admin_url("notifications:settings")
            if has_role(request.user, MANAGER)
            else None,
        },
    )


def _page_parts(as_of) -> dict:
    """What the preview and past-runs cards show (also sent again when a run finishes)."""
    today = timezone.localdate()
    preview = selectors.dunning_preview(as_of=as_of)
    return {
        "as_of": as_of,
        "today": today,
        "future": as_of > today,
        "preview": preview,
        "preview_total": _totals(preview),
        "runs": list(selectors.dunning_run_list()[:RUNS_SHOWN]),
    }


def _totals(preview: list[selectors.DueNotice]) -> list[tuple[str, object]]:
    """Amount due per currency over the preview."""
    totals: dict[str, object] = {}
    for notice in preview:
        totals[notice.currency] = totals.get(notice.currency, ZERO) + notice.total
    return sorted(totals.items())


def _preview_csv_row(notice: selectors.DueNotice, invoice: selectors.DueInvoice) -> list:
    return [
        notice.customer_code,
        notice.customer_name,
        notice.level.level,
        invoice.number,
        invoice.level.level,
        invoice.issue_date,
        invoice.due_date,
        invoice.days_overdue,
        invoice.currency,
        invoice.balance,
        invoice.disputed,
        invoice.amount_due,
        invoice.level.blocks_customer,
    ]


def _run_csv_row(run: DunningRun) -> list:
    return [
        run.pk,
        run.as_of,
        run.status,
        run.started_at.isoformat(),
        run.started_by.username if run.started_by else "system",
        run.finished_at.isoformat() if run.finished_at else "",
        run.customers_total,
        run.notices_sent,
    ]


# --- runs ---------------------------------------------------------------------------------------


@role_required(FINANCE)
@require_POST
def dunning_run_start(request):
    """Start a run for `as_of` (today when empty); its task runs after commit."""
    try:
        with transaction.atomic():
            run = services.dunning_run_start(as_of=request.POST.get("as_of"), by=request.user)
            transaction.on_commit(lambda: dunning_run_execute.delay(run.pk))
    except DomainError as refusal:
        if request.htmx:
            return render(request, "receivables/dunning/_run.html#refused", {"error": refusal.message})
        messages.error(request, refusal.message)
        return redirect("receivables:dunning")
    if request.htmx:
        return _run_progress(request, run.pk, parts=True)
    return redirect("receivables:dunning-run", run_id=run.pk)


def _run_context(run_id: int) -> dict:
    try:
        run = selectors.dunning_run_get(run_id=run_id)
    except DunningRun.DoesNotExist:
        raise Http404("no such dunning run") from None
    notices = []
    if run.status != DunningRun.Status.RUNNING:
        notices = list(
            selectors.dunning_notice_list(filters={"run": run.pk}).order_by("customer__name", "pk")
        )
        states = notice_delivery_states(notices=notices)
        for notice in notices:
            notice.delivery = states[notice.pk]
    percent = 100 if run.status != DunningRun.Status.RUNNING else 0
    if run.status == DunningRun.Status.RUNNING and run.customers_total:
        percent = int(run.customers_done * 100 / run.customers_total)
    return {"run": run, "notices": notices, "percent": percent}


def _run_progress(request, run_id: int, *, parts: bool = False):
    """The run's progress partial; on the dunning page (`parts`), once the run is over, the
    preview and past-runs cards come along out of band, so the page shows what is left to send."""
    context = {**_run_context(run_id), "parts": parts}
    html = render_to_string("receivables/dunning/_run.html#progress", context, request=request)
    if parts and context["run"].status != DunningRun.Status.RUNNING:
        page = {**_page_parts(context["run"].as_of), "oob": True}
        for card in ("preview-card", "runs-card", "run-hint"):
            html += render_to_string(f"receivables/dunning/dunning.html#{card}", page, request=request)
    return HttpResponse(html)


@role_required(FINANCE)
def dunning_run_detail(request, run_id: int):
    return render(request, "receivables/dunning/run.html", _run_context(run_id))


@role_required(FINANCE)
def dunning_run_progress(request, run_id: int):
    """The progress bar (htmx polls it while the run is running), then the notices sent."""
    return _run_progress(request, run_id, parts=request.GET.get("parts") == "1")


# --- notices ------------------------------------------------------------------------------------


@role_required(FINANCE)
def notice_list(request):
    customers = customer_list().filter(dunning_notices__isnull=False).distinct().order_by("code")
    levels = selectors.dunning_level_list()
    form = NoticeFilterForm(request.GET or None, customers=customers, levels=levels)
    filters = form.values
    notices = selectors.dunning_notice_list(
        filters={
            "customer_id": filters.get("customer"),
            "level_id": filters.get("level"),
            "run_id": param_id(request.GET, "run"),
        }
    )
    selected = next((c for c in customers if c.pk == filters.get("customer")), None)
    return list_page(
        request,
        NoticeTable(notices),
        template="receivables/dunning/notices.html",
        filters=form,
        records_name="notices",
        context={"customer": selected},
    )


@role_required(FINANCE)
def notice_pdf(request, notice_id: int):
    """The letter as emailed (stored by delivery), or rendered now if not stored yet: a GET
    stores nothing."""
    try:
        notice = selectors.dunning_notice_get(notice_id=notice_id)
    except ObjectDoesNotExist:
        raise Http404("no such dunning notice") from None
    return pdf_response(letter_pdf(notice=notice), filename=letter_filename(notice))
