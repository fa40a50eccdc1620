from django.urls import include, path

from ledger.api import views

urlpatterns = [
    path("", include("ledger.rates.api.urls")),
    path("ledger/trial-balance/", views.TrialBalanceView.as_view(), name="api-trial-balance"),
    path("ledger/lock-date/", views.LockDateView.as_view(), name="api-lock-date"),
    path("ledger/entries/", views.JournalEntryListView.as_view(), name="api-journal-entries"),
    path("ledger/entries/<int:pk>/", views.JournalEntryDetailView.as_view(), name="api-journal-entry"),
    path(
        "ledger/entries/<int:pk>/reverse/",
        views.JournalEntryReverseView.as_view(),
        name="api-journal-reverse",
    ),
]
