"""The finance clerk's cash pages under /cash/: each concept's page routes, one namespace."""

from django.urls import include, path

app_name = "receivables"
urlpatterns = [
    path("", include("receivables.cash.urls")),
    path("", include("receivables.collections.urls")),
    path("", include("receivables.directdebit.urls")),
    path("", include("receivables.disputes.urls")),
    path("", include("receivables.bank.urls")),
    path("", include("receivables.dunning.urls")),
    path("", include("receivables.statements.urls")),
    path("", include("receivables.revaluation.urls")),
]
