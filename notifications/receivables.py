"""The receivables e-mails (decision 0066): the dunning notice's e-mail and the collector's
statement e-mail, from the company's templates (kinds `dunning_friendly`, `dunning_firm`,
`dunning_final` and `statement`, per language, edited on the notifications page and in the admin,
checked by notifications/placeholders.py like every other template): one mechanism.

- The dunning e-mail: the template of the notice level's tone in the customer's language (else
  English, else the built-in default: `template_text`), each invoice with its pay-now link, the
  letter PDF and the customer's statement PDF attached. `dunning_notice_deliver` is the outbox
  handler the dunning run enqueues (`DUNNING_NOTICE_DELIVERY`); the letter is stored once and the
  notice stamped by receivables/dunning/letters.py.
- The statement e-mail: its subject and body, rendered for the collector to read and edit on the
  worklist before it is sent (receivables/collections/emails.py sends it and keeps it with the
  activity).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import linebreaks, urlize

from notifications.delivery import _amount, _date
from notifications.placeholders import template_render
from notifications.selectors import template_text
from o2c.documents import company_block
from o2c.errors import DomainError, KernelErrorCode
from o2c.models import OutboxMessage
from o2c.outbox import EmailToSend, outbox_handler
from o2c.paylinks import pay_url
from receivables.dunning import letters
from receivables.statements.documents import payment_reference, statement_attachment
from receivables.statements.selectors import statement_get, statement_period_clean

_LABELS = {
    "en": {"due": "due", "overdue": "days overdue", "pay": "Pay now", "disputed": "in dispute"},
    "de": {"due": "fällig", "overdue": "Tage überfällig", "pay": "Jetzt bezahlen", "disputed": "strittig"},
}


def invoice_lines(
    rows: list[tuple[int, str, date, int, object, object]], currency: str, language: str
) -> str:
    """`{invoices}`: per invoice (id, number, due date, days overdue, amount due, disputed) a line
    with its figures, then its pay-now link."""
    labels = _LABELS.get(language, _LABELS["en"])
    lines = []
    for invoice_id, number, due_date, days, amount, disputed in rows:
        text = f"  {number}  {labels['due']} {_date(due_date, language)}"
        if days > 0:
            text += f"  {days} {labels['overdue']}"
        text += f"  {_amount(amount, currency, language)}"
        if disputed:
            text += f" ({_amount(disputed, currency, language)} {labels['disputed']})"
        lines.append(f"{text}\n  {labels['pay']}: {pay_url(invoice_id)}")
    return "\n\n".join(lines)


def _email(*, subject: str, body: str, to: str, language: str) -> EmailMultiAlternatives:
    html = f'<!doctype html>\n<html lang="{language}"><body>\n{linebreaks(urlize(body, autoescape=True))}\n</body></html>\n'
    email = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    email.attach_alternative(html, "text/html")
    return email


# ── dunning ──────────────────────────────────────────────────────────────────────────────────────


def dunning_kind(tone: str) -> str:
    """The template kind of a level's tone (receivables.dunning.models.DunningLevel.Tone)."""
    return f"dunning_{tone}"


def dunning_values(notice) -> dict[str, str]:
    customer, language, currency = notice.customer, notice.customer.language, notice.currency
    lines = list(notice.lines.all())
    rows = [
        (line.invoice_id, line.invoice.number, line.invoice.due_date, line.days_overdue,
         line.balance - line.disputed, line.disputed)
        for line in lines
    ]  # fmt: skip
    return {
        "company_name": settings.O2C_COMPANY_NAME,
        "customer_name": customer.name,
        "customer_code": customer.code,
        "invoices": invoice_lines(rows, currency, language),
        "amount_due": _amount(notice.total, currency, language),
        "payment_reference": ", ".join(line.invoice.number for line in lines),
        "bank_details": company_block()["bank"],
        "level_name": notice.level.name,
        "reminder_date": _date(notice.as_of, language),
        "pay_by": _date(notice.as_of + timedelta(days=letters.PAYMENT_WINDOW_DAYS), language),
    }


def dunning_text(notice) -> tuple[str, str]:
    """`(subject, body)` of the notice's e-mail: its level's tone, the customer's language."""
    subject, body = template_text(kind=dunning_kind(notice.level.tone), language=notice.customer.language)
    values = dunning_values(notice)
    return template_render(subject, values), template_render(body, values)


@outbox_handler(letters.DUNNING_NOTICE_DELIVERY)
def dunning_notice_deliver(message: OutboxMessage) -> EmailToSend | None:
    """payload: `notice_id`. The letter stored once, then the e-mail sent once."""
    notice_id = message.payload["notice_id"]
    letters.delivery_serialise(notice_id)
    notice = letters.notice_for_delivery(notice_id)
    pdf = letters.pdf_stored(notice)
    if notice.emailed_at is not None:
        return None
    recipient = notice.customer.email
    if not recipient:
        raise DomainError(
            f"customer {notice.customer.code} has no billing email address",
            field="email",
            code=KernelErrorCode.NO_BILLING_EMAIL,
        )
    subject, body = dunning_text(notice)
    email = _email(subject=subject, body=body, to=recipient, language=notice.customer.language)
    email.extra_headers["X-O2C-Outbox-Id"] = str(message.pk)
    email.attach(letters.letter_filename(notice), pdf, "application/pdf")
    email.attach(*statement_attachment(customer=notice.customer, as_of=notice.as_of), "application/pdf")

    def sent(at: datetime) -> None:
        letters.notice_emailed(notice_id=notice.pk, at=at)

    return EmailToSend(email, sent=sent)


# ── the collector's statement e-mail ─────────────────────────────────────────────────────────────


def statement_text(*, customer, as_of: date, collector_name: str) -> tuple[str, str]:
    """`(subject, body)` of the statement e-mail to `customer` as of `as_of`, in its language:
    the open invoices (not wholly in dispute) with their pay-now links."""
    period_from, period_to = statement_period_clean(period_from=None, period_to=as_of)
    statement = statement_get(customer=customer, period_from=period_from, period_to=period_to)
    language, currency = customer.language, statement.currency
    payable = [item for item in statement.open_items if item.balance > item.disputed]
    rows = [
        (item.invoice_id, item.number, item.due_date, item.days_past_due, item.balance - item.disputed,
         item.disputed)
        for item in payable
    ]  # fmt: skip
    values = {
        "company_name": settings.O2C_COMPANY_NAME,
        "customer_name": customer.name,
        "customer_code": customer.code,
        "invoices": invoice_lines(rows, currency, language) or "—",
        "amount_due": _amount(statement.aging.overdue, currency, language),
        "payment_reference": payment_reference(
            customer_code=customer.code, invoice_numbers=[item.number for item in payable]
        ),
        "bank_details": company_block()["bank"],
        "statement_date": _date(as_of, language),
        "balance": _amount(statement.closing_balance, currency, language),
        "collector_name": collector_name,
    }
    subject, body = template_text(kind="statement", language=language)
    return template_render(subject, values), template_render(body, values)
