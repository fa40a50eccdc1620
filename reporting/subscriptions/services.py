"""Who gets the daily report, and its sending: once per subscriber and day, through the outbox.

`daily_reports_send(as_of)` (the 07:00 task) records a `ReportDelivery` per active subscriber for
`as_of` with INSERT … ON CONFLICT DO NOTHING against the unique (user, report_date) of scheduled
deliveries, and queues an outbox message for each row it created, in one transaction. A second
run the same day creates no row and so sends nothing; a run that crashed halfway sent nothing
(the rows and messages commit together). The outbox handler sends the e-mail and stamps
`sent_at`; a failing mail server is retried with backoff (o2c/outbox.py), and a redelivered
message whose e-mail went out already sends nothing again.

Subscribers are users holding finance or manager (or admin), active, with an e-mail address;
a subscriber who loses the role simply stops getting the report.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from o2c import locks
from o2c.errors import DomainError
from o2c.models import OutboxMessage
from o2c.outbox import EmailToSend, outbox_enqueue, outbox_handler
from o2c.roles import ADMIN, FINANCE, MANAGER, has_role
from reporting.errors import ReportingErrorCode
from reporting.models import ReportDelivery, ReportSubscription
from reporting.subscriptions.daily_report import daily_report_build, daily_report_email

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DAILY_REPORT = "daily_report"
REPORT_ROLES = (FINANCE, MANAGER)


def report_subscription_get(*, user: User) -> ReportSubscription | None:
    return ReportSubscription.objects.filter(user=user).first()


def report_subscription_set(*, user: User, active: bool) -> ReportSubscription:
    """Subscribe `user` to the daily report, or end the subscription (the row stays, inactive)."""
    if active:
        if not has_role(user, *REPORT_ROLES):
            raise DomainError(
                "the daily report is for finance and managers",
                field="active",
                code=ReportingErrorCode.REPORT_NOT_ALLOWED,
            )
        if not user.email:
            raise DomainError(
                "your user has no e-mail address to send the report to",
                field="email",
                code=ReportingErrorCode.NO_EMAIL_ADDRESS,
            )
    subscription, _ = ReportSubscription.objects.update_or_create(user=user, defaults={"active": active})
    return subscription


def _subscriber_ids() -> list[int]:
    return list(
        ReportSubscription.objects.filter(active=True, user__is_active=True)
        .exclude(user__email="")
        .filter(Q(user__is_superuser=True) | Q(user__groups__name__in=(FINANCE, MANAGER, ADMIN)))
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


_RECORD_SCHEDULED = """
INSERT INTO reporting_reportdelivery (user_id, report_date, scheduled, created_at)
SELECT user_id, %(report_date)s, true, %(now)s FROM unnest(%(user_ids)s::bigint[]) AS u(user_id)
ON CONFLICT (user_id, report_date) WHERE scheduled DO NOTHING
RETURNING id
"""


@transaction.atomic
def daily_reports_send(*, as_of: date) -> int:
    """Queue the report of `as_of` for every subscriber who has not had it; returns how many."""
    user_ids = _subscriber_ids()
    if not user_ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_RECORD_SCHEDULED, {"report_date": as_of, "now": timezone.now(), "user_ids": user_ids})
        delivery_ids = sorted(row[0] for row in cursor.fetchall())
    for delivery_id in delivery_ids:
        outbox_enqueue(kind=DAILY_REPORT, payload={"delivery_id": delivery_id})
    return len(delivery_ids)


@transaction.atomic
def daily_report_send_now(*, user: User, as_of: date) -> ReportDelivery:
    """The report of `as_of` to `user` now (the subscription page's button), subscribed or not."""
    if not has_role(user, *REPORT_ROLES):
        raise DomainError(
            "the daily report is for finance and managers",
            field="as_of",
            code=ReportingErrorCode.REPORT_NOT_ALLOWED,
        )
    if not user.email:
        raise DomainError(
            "your user has no e-mail address to send the report to",
            field="email",
            code=ReportingErrorCode.NO_EMAIL_ADDRESS,
        )
    if as_of > timezone.localdate():
        raise DomainError(
            "the report date is in the future", field="as_of", code=ReportingErrorCode.REPORT_DATE_IN_FUTURE
        )
    delivery = ReportDelivery.objects.create(user=user, report_date=as_of, scheduled=False)
    outbox_enqueue(kind=DAILY_REPORT, payload={"delivery_id": delivery.pk})
    return delivery


@outbox_handler(DAILY_REPORT)
def daily_report_deliver(message: OutboxMessage) -> EmailToSend | None:
    delivery = locks.report_delivery_lock(delivery_id=message.payload["delivery_id"])
    if delivery.sent_at is not None:  # a redelivered message: the e-mail went out already
        return None
    user = delivery.user
    if not user.email:
        raise DomainError(
            f"user {user.username} has no e-mail address",
            field="email",
            code=ReportingErrorCode.NO_EMAIL_ADDRESS,
        )
    report = daily_report_build(as_of=delivery.report_date)
    email = daily_report_email(
        report,
        to=user.email,
        recipient_name=user.get_full_name() or user.username,
        headers={"X-O2C-Outbox-Id": str(message.pk)},
    )
    # sent at most once: the relay marks the message sending first (o2c/outbox.py)
    return EmailToSend(
        email, sent=lambda at: ReportDelivery.objects.filter(pk=delivery.pk).update(sent_at=at)
    )


def report_deliveries_recent(*, user: User, limit: int = 10) -> list[ReportDelivery]:
    return list(ReportDelivery.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])
