"""The daily report e-mail page (/reports/subscription/): finance and managers subscribe or
unsubscribe themselves, preview the report of a date in the page (or as its PDF), and have it sent
to themselves at once. Their recent deliveries are listed (with a CSV export).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import urlencode

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from o2c.csv import csv_response
from o2c.documents import pdf_response
from o2c.errors import DomainError
from o2c.forms import BootstrapForm, DateField
from o2c.roles import FINANCE, role_required
from reporting.subscriptions.daily_report import (
    daily_report_build,
    daily_report_filename,
    daily_report_html,
    daily_report_pdf,
)
from reporting.subscriptions.services import (
    daily_report_send_now,
    report_deliveries_recent,
    report_subscription_get,
    report_subscription_set,
)

DELIVERY_CSV_HEADER = ["report_date", "kind", "queued_at", "sent_at"]


class ReportDateForm(BootstrapForm):
    as_of = DateField(label="Report date", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError("The report date is in the future.")
        return as_of


def _sent_at_local_time() -> str:
    """When the scheduled report goes out, in the company's time zone (beat runs on UTC)."""
    schedule = settings.CELERY_BEAT_SCHEDULE.get("daily-report", {}).get("schedule")
    hours, minutes = getattr(schedule, "hour", None), getattr(schedule, "minute", None)
    if not hours or not minutes:
        return ""
    at = datetime.combine(timezone.localdate(), time(min(hours), min(minutes)), tzinfo=UTC)
    return timezone.localtime(at).strftime("%H:%M")


def _page(request, form: ReportDateForm, *, status: int = 200, preview: str = ""):
    user = request.user
    if form.is_bound:
        as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    else:
        as_of = form.initial.get("as_of")
    return render(
        request,
        "reporting/subscription.html",
        {
            "form": form,
            "as_of": as_of,
            "subscription": report_subscription_get(user=user),
            "deliveries": report_deliveries_recent(user=user),
            "preview": preview,
            "sent_at": _sent_at_local_time(),
        },
        status=status,
    )


@role_required(FINANCE)
def subscription(request):
    if request.method == "POST":
        return _subscription_post(request)
    export = request.GET.get("export")
    if export == "csv":
        return csv_response(
            "daily-report-deliveries.csv",
            DELIVERY_CSV_HEADER,
            (
                [
                    delivery.report_date,
                    "scheduled" if delivery.scheduled else "on demand",
                    timezone.localtime(delivery.created_at).isoformat(timespec="seconds"),
                    timezone.localtime(delivery.sent_at).isoformat(timespec="seconds")
                    if delivery.sent_at
                    else "",
                ]
                for delivery in report_deliveries_recent(user=request.user, limit=1000)
            ),
        )
    if "as_of" not in request.GET:
        return _page(request, ReportDateForm(initial={"as_of": timezone.localdate()}))
    form = ReportDateForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    if export != "pdf" and "preview" not in request.GET:
        return _page(request, form)
    if export != "pdf" and "frame" not in request.GET:
        # The page frames the e-mail from its own URL: a srcdoc frame would inherit the page's
        # Content-Security-Policy, which refuses the e-mail's inline styles (decision 0033).
        frame = f"{request.path}?{urlencode({'as_of': form.cleaned_data['as_of'].isoformat(), 'preview': '1', 'frame': '1'})}"
        return _page(request, form, preview=frame)
    report = daily_report_build(as_of=form.cleaned_data["as_of"])
    if export == "pdf":
        return pdf_response(daily_report_pdf(report), filename=daily_report_filename(report))
    recipient = request.user.get_full_name() or request.user.username
    return _email_frame(daily_report_html(report, recipient_name=recipient))


# The e-mail in the preview frame: its inline styles (mail clients keep no stylesheet) and nothing
# else; no script at all, framed by this site only.
EMAIL_FRAME_CSP = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": [SELF, "data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": ["allow-same-origin"],
}


@csp(EMAIL_FRAME_CSP)
@xframe_options_sameorigin
def _email_frame(html: str) -> HttpResponse:
    return HttpResponse(html)


def _subscription_post(request):
    action = request.POST.get("action")
    user = request.user
    try:
        if action in ("subscribe", "unsubscribe"):
            report_subscription_set(user=user, active=action == "subscribe")
            if action == "subscribe":
                messages.success(
                    request, f"You are subscribed: the daily report will be sent to {user.email}."
                )
            else:
                messages.info(request, "You are unsubscribed from the daily report.")
            return redirect(reverse("reporting:subscription"))
        if action == "send":
            form = ReportDateForm(request.POST)
            if not form.is_valid():
                return _page(request, form, status=400)
            as_of = form.cleaned_data["as_of"]
            daily_report_send_now(user=user, as_of=as_of)
            messages.success(request, f"The report of {as_of:%d %b %Y} is on its way to {user.email}.")
            return redirect(f"{reverse('reporting:subscription')}?as_of={as_of.isoformat()}")
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request, ReportDateForm(initial={"as_of": timezone.localdate()}), status=400)
    messages.error(request, "Unknown action.")
    return _page(request, ReportDateForm(initial={"as_of": timezone.localdate()}), status=400)
