"""The month-end revaluation page (decision 0062): preview as of a date, then post it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from o2c.errors import DomainError
from o2c.roles import FINANCE, role_required
from receivables.revaluation.forms import RevaluationForm
from receivables.revaluation.services import Revaluation, revaluation_preview, revaluation_run


@role_required(FINANCE)
def revaluation(request: HttpRequest) -> HttpResponse:
    form = RevaluationForm(request.POST or request.GET or None)
    preview: Revaluation | None = None
    status = 200
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["date"]
        try:
            if request.method == "POST":
                result = revaluation_run(on=on, by=request.user)  # type: ignore[arg-type]
                if result.entry_number is None:
                    messages.info(request, f"Nothing to revalue as of {on.isoformat()}.")
                else:
                    state = "Posted" if result.created else "Already posted"
                    messages.success(
                        request, f"{state}: {result.entry_number}, reversed by {result.reversal_number}."
                    )
                return redirect(f"{request.path}?date={on.isoformat()}")
            preview = revaluation_preview(on=on)
        except DomainError as error:
            form.add_error("date", error.message)
            status = 400
    elif form.is_bound:
        status = 400
    return render(
        request,
        "receivables/revaluation/revaluation.html",
        {"form": form, "preview": preview, "base": settings.O2C_BASE_CURRENCY},
        status=status,
    )
