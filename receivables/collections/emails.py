"""The collector's e-mail from the worklist (issue 16, decision 0066): a subject and body the
collector read and may have edited (rendered from the company's `statement` template in the
customer's language by notifications/receivables.py, each open invoice with its pay-now link), sent
to the customer's billing address through the outbox with the statement of account attached, and
kept with an `email` activity, so the customer leaves today's worklist.

`collection_email_send` writes the activity, its `ActivityEmail` and the outbox message in one
transaction; `collection_email_deliver` (the outbox handler) stores the statement PDF once (as of
the day the e-mail was written) and sends once, like the dunning letters.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from o2c.errors import DomainError, KernelErrorCode
from o2c.models import OutboxMessage
from o2c.outbox import EmailToSend, outbox_enqueue, outbox_handler
from o2c.parsing import text_check
from receivables.collections.models import Activity, ActivityEmail
from receivables.collections.services import _customer, activity_log
from receivables.statements.documents import statement_attachment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COLLECTION_EMAIL = "collection_email"
SUBJECT_MAX, BODY_MAX = 200, 20_000


@transaction.atomic
def collection_email_send(
    *, customer_id: int, subject: str, body: str, follow_up_on: date | None = None, by: User | None = None
) -> ActivityEmail:
    """Log an `email` activity (its note: the subject and the body) with the e-mail it sends."""
    customer = _customer(customer_id)
    if not customer.email:
        raise DomainError(
            f"customer {customer.code} has no billing e-mail address",
            field="email",
            code=KernelErrorCode.NO_BILLING_EMAIL,
        )
    subject = text_check(subject.strip(), field="subject")
    body = text_check(body.replace("\r\n", "\n").strip(), field="body", multiline=True)
    for field, text, limit in (("subject", subject, SUBJECT_MAX), ("body", body, BODY_MAX)):
        if not text:
            raise DomainError("this field may not be blank", field=field, code=KernelErrorCode.BLANK)
        if len(text) > limit:
            raise DomainError(f"at most {limit} characters", field=field, code=KernelErrorCode.INVALID)
    activity = activity_log(
        customer_id=customer.pk,
        kind=Activity.Kind.EMAIL,
        note=f"E-mail with the statement: {subject}\n\n{body}",
        follow_up_on=follow_up_on,
        by=by,
    )
    email = ActivityEmail.objects.create(
        activity=activity, recipient=customer.email, subject=subject, body=body
    )
    outbox_enqueue(kind=COLLECTION_EMAIL, payload={"activity_email_id": email.pk})
    return email


def _attachment_stored(email: ActivityEmail) -> tuple[str, bytes]:
    """The statement as of the day the e-mail was written: rendered and stored the first time."""
    activity = email.activity
    as_of = timezone.localdate(activity.created_at)
    if email.attachment and default_storage.exists(email.attachment.name):
        with default_storage.open(email.attachment.name, "rb") as stored:
            return attachment_name(email), stored.read()
    filename, pdf = statement_attachment(customer=activity.customer, as_of=as_of)
    name = f"collections/{as_of.year}/{email.pk}-{filename}"
    if default_storage.exists(name):  # left by an attempt whose transaction rolled back
        default_storage.delete(name)
    stored_name = default_storage.save(name, ContentFile(pdf))
    ActivityEmail.objects.filter(pk=email.pk).update(attachment=stored_name)
    email.attachment.name = stored_name
    return filename, pdf


@outbox_handler(COLLECTION_EMAIL)
def collection_email_deliver(message: OutboxMessage) -> EmailToSend | None:
    """payload: `activity_email_id`. The statement stored once, the e-mail sent once."""
    email_id = message.payload["activity_email_id"]
    with connection.cursor() as cursor:  # two messages for one e-mail send one
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{COLLECTION_EMAIL}:{email_id}"]
        )
    email = ActivityEmail.objects.select_related("activity__customer").get(pk=email_id)
    filename, pdf = _attachment_stored(email)
    if email.emailed_at is not None:
        return None
    message_out = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={"X-O2C-Outbox-Id": str(message.pk)},
        attachments=[(filename, pdf, "application/pdf")],
    )

    def sent(at: datetime) -> None:
        ActivityEmail.objects.filter(pk=email.pk).update(emailed_at=at)

    return EmailToSend(message_out, sent=sent)


def attachment_name(email: ActivityEmail) -> str:
    """The statement's file name as the customer received it."""
    return re.sub(r"^\d+-", "", email.attachment.name.rsplit("/", 1)[-1]) if email.attachment else ""
