"""Dunning letters: the level's text, the PDF letter and its delivery by email through the outbox.

The letter is the invoice's layout (letterhead, window address, facts, footer with bank details:
the print stylesheet and partials of templates/o2c/pdf/, rendered by o2c/documents.py) with the
level's own text — a Django template edited in the admin, rendered as plain text — then a table
of the invoices it reminds of, the amount due and how to pay (bank details, the invoice numbers
as payment reference).

Delivery follows invoicing/delivery.py: the outbox handler of `DUNNING_NOTICE_DELIVERY` (in
notifications/dunning.py since decision 0066: the e-mail is the level's tone's template in the
customer's language, edited with the other customer e-mails) stores the PDF once here
(`pdf_stored`: `pdf` empty → render, store at `dunning/<year>/…`) and e-mails it once
(`emailed_at` empty → send, `notice_emailed`). A failing send rolls both back with the handler's
savepoint and the relay retries with backoff. Each invoice on the letter carries its pay-now link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Prefetch
from django.template import TemplateSyntaxError, engines
from django.template.loader import render_to_string

from o2c.documents import company_block, document_amount, document_date, html_pdf_render, recipient_block
from o2c.outbox import outbox_delivery_state, outbox_latest_messages
from o2c.paylinks import pay_url
from receivables.dunning.models import DunningLevel, DunningNotice, DunningNoticeLine

DUNNING_NOTICE_DELIVERY = "dunning_notice_delivery"
PAYMENT_WINDOW_DAYS = 7  # "please pay by": the letter's date plus a week


# The figures as the letter prints them: as on the invoices (23 Nov 2026, 1,290.00).
letter_date = document_date
letter_amount = document_amount


@dataclass(frozen=True)
class LetterLine:
    """An invoice on the letter, its figures formatted."""

    number: str
    issue_date: str
    due_date: str
    days_overdue: int
    total: str
    balance: str
    disputed: str  # "" when nothing is in dispute
    amount_due: str
    level: int
    level_name: str
    pay_url: str  # the signed pay-now link of the invoice (o2c/paylinks.py)


def _line(line: DunningNoticeLine, currency: str) -> LetterLine:
    invoice = line.invoice
    return LetterLine(
        number=invoice.number,
        issue_date=letter_date(invoice.issue_date),
        due_date=letter_date(invoice.due_date),
        days_overdue=line.days_overdue,
        total=letter_amount(invoice.total, currency),
        balance=letter_amount(line.balance, currency),
        disputed=letter_amount(line.disputed, currency) if line.disputed else "",
        amount_due=letter_amount(line.balance - line.disputed, currency),
        level=line.level.level,
        level_name=line.level.name,
        pay_url=pay_url(invoice.pk),
    )


def _notice_lines(notice: DunningNotice) -> list[DunningNoticeLine]:
    return list(notice.lines.all())


def letter_context(*, notice: DunningNotice) -> dict:
    """What the level's text and the PDF template see: `customer`, `level`, `invoices` (each
    with number, issue_date, due_date, days_overdue, total, balance, disputed, amount_due),
    `total` and `currency`, `company`, `as_of`, `pay_by` and `payment_reference`."""
    currency = notice.currency
    lines = [_line(line, currency) for line in _notice_lines(notice)]
    return {
        "customer": notice.customer,
        "level": notice.level,
        "invoices": lines,
        "total": letter_amount(notice.total, currency),
        "currency": currency,
        "disputed": any(line.disputed for line in lines),
        "company": company_block(),
        "as_of": letter_date(notice.as_of),
        "pay_by": letter_date(notice.as_of + timedelta(days=PAYMENT_WINDOW_DAYS)),
        "payment_reference": ", ".join(line.number for line in lines),
    }


def _letter_template(text: str):
    # The text is plain: no HTML escaping here; the PDF template escapes it as it lays it out.
    return engines["django"].from_string("{% autoescape off %}" + text + "{% endautoescape %}")


def letter_text(*, level: DunningLevel, context: dict) -> str:
    """The level's letter text rendered for `context` (with `level`), blank lines collapsed."""
    text = _letter_template(level.letter_template).render({**context, "level": level})
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def letter_template_error(text: str) -> str | None:
    """Why a level's letter text cannot be used (a template syntax error), or None."""
    try:
        _letter_template(text)
    except TemplateSyntaxError as error:
        return f"the letter template has an error: {error}"
    return None


# ── the PDF ──────────────────────────────────────────────────────────────────────────────────────


def letter_html(*, notice: DunningNotice) -> str:
    context = letter_context(notice=notice)
    facts = [
        ("Date", context["as_of"]),
        ("Customer no.", notice.customer.code),
        ("Reminder", f"{notice.level.level} · {notice.level.name}"),
        ("Amount due", f"{context['total']} {notice.currency}"),
        ("Please pay by", context["pay_by"]),
    ]
    return render_to_string(
        "receivables/dunning/letter_pdf.html",
        {
            **context,
            "body": letter_text(level=notice.level, context=context),
            "recipient": recipient_block(customer=notice.customer, with_vat_number=False),
            "facts": facts,
            "title": notice.level.subject,
        },
    )


def dunning_letter_render(*, notice: DunningNotice) -> bytes:
    """The letter as a PDF (A4), rendered offline."""
    return html_pdf_render(letter_html(notice=notice))


def letter_filename(notice: DunningNotice) -> str:
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", notice.customer.code)
    return f"reminder-{code}-{notice.as_of.isoformat()}-level-{notice.level.level}.pdf"


def letter_pdf(*, notice: DunningNotice) -> bytes:
    """The stored letter when delivery has stored one, else one rendered now and not stored."""
    if notice.pdf and default_storage.exists(notice.pdf.name):
        with default_storage.open(notice.pdf.name, "rb") as stored:
            return stored.read()
    return dunning_letter_render(notice=notice)


# ── delivery ─────────────────────────────────────────────────────────────────────────────────────


def delivery_serialise(notice_id: int) -> None:
    """Two messages for one notice send one e-mail: a transaction lock per notice."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"{DUNNING_NOTICE_DELIVERY}:{notice_id}"],
        )


def notice_for_delivery(notice_id: int) -> DunningNotice:
    return (
        DunningNotice.objects.select_related("customer", "level")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=DunningNoticeLine.objects.select_related("invoice", "level").order_by(
                    "invoice__due_date", "pk"
                ),
            )
        )
        .get(pk=notice_id)
    )


def notice_emailed(*, notice_id: int, at: datetime) -> None:
    DunningNotice.objects.filter(pk=notice_id).update(emailed_at=at)


def pdf_stored(notice: DunningNotice) -> bytes:
    """The letter, rendered and stored the first time only (or again if the file was lost)."""
    if notice.pdf and default_storage.exists(notice.pdf.name):
        with default_storage.open(notice.pdf.name, "rb") as stored:
            return stored.read()
    pdf = dunning_letter_render(notice=notice)
    name = f"dunning/{notice.as_of.year}/{notice.pk}-{letter_filename(notice)}"
    if default_storage.exists(name):  # left by an attempt whose transaction rolled back
        default_storage.delete(name)
    stored_name = default_storage.save(name, ContentFile(pdf))
    DunningNotice.objects.filter(pk=notice.pk).update(pdf=stored_name)
    notice.pdf.name = stored_name
    return pdf


@dataclass(frozen=True)
class DeliveryState:
    """`sent`, `pending` (queued), `retrying` (failed at least once) or `failed` (gave up)."""

    state: str
    attempts: int = 0
    last_error: str = ""
    emailed_at: datetime | None = None


def notice_delivery_states(*, notices: list[DunningNotice]) -> dict[int, DeliveryState]:
    """The email delivery state per notice id, in one query for a whole page."""
    latest = outbox_latest_messages(
        kind=DUNNING_NOTICE_DELIVERY, key="notice_id", ids=[notice.pk for notice in notices]
    )
    states = {}
    for notice in notices:
        message = latest.get(notice.pk)
        states[notice.pk] = DeliveryState(
            state=outbox_delivery_state(message, emailed_at=notice.emailed_at),
            attempts=message.attempts if message else 0,
            last_error=message.last_error if message else "",
            emailed_at=notice.emailed_at,
        )
    return states
