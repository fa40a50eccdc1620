"""Finance's statement and portal-link pages for one customer.

- `customer-statement`: the statement of account for a period (start of the year to today unless
  asked), with its CSV and PDF; finance and sales read it (sales talk to customers about their
  account; they change nothing here).
- `portal-links`: the customer's portal links; finance creates one (its URL is shown once, to be
  copied into a message to the customer) or revokes one.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from customers.selectors import customer_get
from o2c.csv import csv_response
from o2c.documents import pdf_response
from o2c.errors import DomainError
from o2c.roles import FINANCE, SALES, role_required
from receivables.portal.selectors import portal_link_list, portal_link_status
from receivables.portal.services import portal_link_create, portal_link_revoke
from receivables.statements.documents import statement_pdf_render
from receivables.statements.forms import PortalLinkForm, StatementPeriodForm
from receivables.statements.selectors import Statement, statement_get, statement_period_clean

if TYPE_CHECKING:
    from customers.models import Customer

STATEMENT_CSV_HEADER = ["date", "kind", "document", "description", "due_date", "debit", "credit", "balance"]
PORTAL_LINK_CSV_HEADER = [
    "id",
    "created_at",
    "created_by",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "status",
]


def statement_period_from_request(request) -> tuple[forms.Form, date | None, date | None]:
    """The period form bound to ?from=&to= (the defaults fill what is missing); the form carries
    any error, next to its field."""
    data = {name: request.GET.get(name, "") for name in ("from", "to")}
    form = StatementPeriodForm(data)
    if not form.is_valid():
        return form, None, None
    try:
        period_from, period_to = statement_period_clean(
            period_from=form.cleaned_data["from"], period_to=form.cleaned_data["to"]
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return form, None, None
    form = StatementPeriodForm({"from": period_from.isoformat(), "to": period_to.isoformat()})
    form.is_valid()
    return form, period_from, period_to


def statement_pdf_response(statement: Statement) -> HttpResponse:
    return pdf_response(statement_pdf_render(statement=statement), filename=f"{_file_name(statement)}.pdf")


def _file_name(statement: Statement) -> str:
    return f"statement-{statement.customer.code}-{statement.period_to.isoformat()}"


def _statement_csv(statement: Statement):
    def rows():
        yield [statement.period_from, "opening", "", "Opening balance", "", "", "", statement.opening_balance]
        for movement in statement.movements:
            yield [
                movement.entry_date,
                movement.kind,
                movement.document,
                movement.description,
                movement.due_date or "",
                movement.debit or "",
                movement.credit or "",
                movement.balance,
            ]
        yield [statement.period_to, "closing", "", "Closing balance", "", "", "", statement.closing_balance]

    return csv_response(f"{_file_name(statement)}.csv", STATEMENT_CSV_HEADER, rows())


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return customer_get(customer_id=customer_id)
    except ObjectDoesNotExist:
        raise Http404("no such customer") from None


@role_required(FINANCE, SALES)
def customer_statement(request, customer_id: int):
    customer = _customer_or_404(customer_id)
    form, period_from, period_to = statement_period_from_request(request)
    statement = None
    if period_from is not None:
        statement = statement_get(customer=customer, period_from=period_from, period_to=period_to)
        export = request.GET.get("export")
        if export == "csv":
            return _statement_csv(statement)
        if export == "pdf":
            return statement_pdf_response(statement)
    return render(
        request,
        "receivables/statements/customer_statement.html",
        {"customer": customer, "form": form, "statement": statement},
    )


# ── portal links ─────────────────────────────────────────────────────────────────────────────────


def portal_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("portal:overview", args=[token]))


@role_required(FINANCE)
def portal_links(request, customer_id: int):
    customer = _customer_or_404(customer_id)
    new_url = None
    if request.method == "POST":
        form = PortalLinkForm(request.POST)
        if form.is_valid():
            try:
                issued = portal_link_create(
                    customer_id=customer.pk, days=form.cleaned_data["days"], by=request.user
                )
            except DomainError as error:
                form.add_error("days" if error.field == "days" else None, error.message)
            else:
                new_url = portal_url(request, issued.token)
                form = PortalLinkForm(initial={"days": settings.O2C_PORTAL_LINK_DAYS})
    else:
        form = PortalLinkForm(initial={"days": settings.O2C_PORTAL_LINK_DAYS})
    links = list(portal_link_list(customer_id=customer.pk))
    now = timezone.now()
    for link in links:
        link.status = portal_link_status(link, now=now)
    if request.GET.get("export") == "csv":
        return csv_response(
            f"portal-links-{customer.code}.csv",
            PORTAL_LINK_CSV_HEADER,
            (
                [
                    link.pk,
                    link.created_at.isoformat(),
                    link.created_by.username if link.created_by else "",
                    link.expires_at.isoformat(),
                    link.last_used_at.isoformat() if link.last_used_at else "",
                    link.revoked_at.isoformat() if link.revoked_at else "",
                    link.status,
                ]
                for link in links
            ),
        )
    return render(
        request,
        "receivables/statements/portal_links.html",
        {"customer": customer, "form": form, "links": links, "new_url": new_url},
    )


@require_POST
@role_required(FINANCE)
def portal_link_revoke_page(request, customer_id: int, link_id: int):
    customer = _customer_or_404(customer_id)
    try:
        portal_link_revoke(link_id=link_id, customer_id=customer.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Portal link {link_id} revoked: it opens nothing any more.")
    return redirect("receivables:portal-links", customer_id=customer.pk)
