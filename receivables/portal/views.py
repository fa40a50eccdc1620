"""The customer portal: a signed link shows one customer its open invoices, their PDFs, its
statement and how to pay. No login and nothing to change: every page is a GET, read for the
customer the link belongs to and no other (another customer's invoice is a 404, as is a missing
one). A refused link (tampered, unknown, revoked, expired) gets a page saying so, never data.

Responses are not cached or indexed and send no Referer, so the token stays where it was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from invoicing.documents import invoice_pdf_render
from invoicing.selectors import invoice_list
from o2c import pipeline
from o2c.documents import company_block, pdf_response
from o2c.errors import DomainError
from o2c.money import ZERO
from o2c.paylinks import pay_path
from quotations.documents import quotation_filename, quotation_pdf_render
from quotations.selectors import open_quotations
from receivables.open_items.selectors import disputed_capped_amount
from receivables.portal.services import PortalLinkRefused, portal_link_verify
from receivables.selectors import open_invoices, unapplied_cash_ledger
from receivables.statements.documents import payment_reference
from receivables.statements.selectors import statement_get
from receivables.statements.views import statement_pdf_response, statement_period_from_request


def private_response(response: HttpResponse) -> HttpResponse:
    """The headers of a page reached by a token: not cached, not indexed, its URL kept on this site."""
    response["Cache-Control"] = "private, no-store"
    # same-origin, not no-referrer: the token in the URL still never leaves this site in a Referer,
    # and a browser's POST from these pages (accepting a quotation) carries an Origin that the CSRF
    # check accepts; under no-referrer Chromium sends `Origin: null` and every POST was a 403.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def portal_page(view: Callable, *, methods: tuple[str, ...] = ("GET", "HEAD")) -> Callable:
    """Verify the token first: a refused link renders the refusal (404 for a link that never was
    valid, 403 for a revoked or expired one); a live one calls `view(request, link, ...)`."""

    @require_http_methods(list(methods))
    @wraps(view)
    def wrapped(request, token: str, *args, **kwargs):
        try:
            link = portal_link_verify(token=token)
        except PortalLinkRefused as refused:
            status = 404 if refused.code == "invalid" else 403
            response = render(
                request,
                "receivables/portal/refused.html",
                {"reason": refused.reason, "code": refused.code, "company": company_block()},
                status=status,
            )
            return private_response(response)
        return private_response(view(request, link, token, *args, **kwargs))

    return wrapped


def _context(link, token: str, **extra) -> dict:
    return {"link": link, "customer": link.customer, "token": token, "company": company_block(), **extra}


@portal_page
def overview(request, link, token: str):
    customer = link.customer
    invoices = list(open_invoices(customer_id=customer.pk).prefetch_related(None))
    for invoice in invoices:
        invoice.pay_path = pay_path(invoice.pk)  # pay-now (decision 0066)
        invoice.payment_reference = payment_reference(
            customer_code=customer.code, invoice_numbers=[invoice.number]
        )
    total = sum((invoice.balance for invoice in invoices), ZERO)
    overdue = sum((invoice.balance for invoice in invoices if invoice.days_overdue), ZERO)
    disputed = sum(
        (disputed_capped_amount(balance=invoice.balance, disputed=invoice.disputed) for invoice in invoices),
        ZERO,
    )
    unapplied = unapplied_cash_ledger(customer_ids=[customer.pk])
    quotations = list(open_quotations(customer_id=customer.pk, today=timezone.localdate()))
    return render(
        request,
        "receivables/portal/overview.html",
        _context(
            link,
            token,
            invoices=invoices,
            total=total,
            overdue=overdue,
            unapplied=unapplied,
            disputed=disputed,
            balance_due=total - unapplied,
            payment_reference=payment_reference(
                customer_code=customer.code, invoice_numbers=[invoice.number for invoice in invoices]
            ),
            section="invoices",
            quotations=quotations,
        ),
    )


@portal_page
def invoice_pdf(request, link, token: str, invoice_id: int):
    invoice = (
        invoice_list(filters={"customer_id": link.customer_id, "pk": invoice_id})
        .prefetch_related(None)
        .first()
    )
    if invoice is None:  # another customer's invoice is not found either
        raise Http404("no such invoice")
    content = None
    if invoice.pdf and invoice.pdf.storage.exists(invoice.pdf.name):
        with invoice.pdf.storage.open(invoice.pdf.name, "rb") as stored:
            content = stored.read()
    if content is None:
        content = invoice_pdf_render(invoice=invoice)
    return pdf_response(content, filename=f"{invoice.number}.pdf")


def _open_quotation(link, quotation_id: int):
    """One of the customer's quotations that it may still accept; another's is not found."""
    quotation = (
        open_quotations(customer_id=link.customer_id, today=timezone.localdate())
        .filter(pk=quotation_id)
        .first()
    )
    if quotation is None:
        raise Http404("no such quotation")
    return quotation


@portal_page
def quotation_pdf(request, link, token: str, quotation_id: int):
    quotation = _open_quotation(link, quotation_id)
    return pdf_response(quotation_pdf_render(quotation=quotation), filename=quotation_filename(quotation))


def _quotation_accept(request, link, token: str, quotation_id: int):
    """The customer accepts a quotation (decision 0053): it becomes the order, which goes through
    the credit check as any other. The one write the portal does, by a POST with its CSRF token."""
    quotation = _open_quotation(link, quotation_id)
    try:
        order = pipeline.quotation_accept(quotation_id=quotation.pk, by=None, via="customer portal")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Thank you: quotation {quotation.number} is accepted as order {order.number}."
        )
    return redirect("portal:overview", token=token)


quotation_accept = portal_page(_quotation_accept, methods=("POST",))


@portal_page
def statement(request, link, token: str):
    form, period_from, period_to = statement_period_from_request(request)
    statement = None
    if period_from is not None:
        statement = statement_get(customer=link.customer, period_from=period_from, period_to=period_to)
        if request.GET.get("export") == "pdf":
            return statement_pdf_response(statement)
    return render(
        request,
        "receivables/portal/statement.html",
        _context(link, token, form=form, statement=statement, section="statement"),
    )
