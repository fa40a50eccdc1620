"""The receivables API (API.md): each concept's routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("receivables.bank.api.urls")),
    path("", include("receivables.cash.api.urls")),
    path("", include("receivables.collections.api.urls")),
    path("", include("receivables.directdebit.api.urls")),
    path("", include("receivables.disputes.api.urls")),
    path("", include("receivables.dunning.api.urls")),
    path("", include("receivables.paynow.api.urls")),
    path("", include("receivables.statements.api.urls")),
    path("", include("receivables.revaluation.api.urls")),
]
