from django.urls import path

from receivables.directdebit.api.views import (
    MandateDetailView,
    MandateListView,
    MandateRevokeView,
    RunDetailView,
    RunFileView,
    RunListView,
)

urlpatterns = [
    path("mandates/", MandateListView.as_view(), name="api-mandates"),
    path("mandates/<int:pk>/", MandateDetailView.as_view(), name="api-mandate"),
    path("mandates/<int:pk>/revoke/", MandateRevokeView.as_view(), name="api-mandate-revoke"),
    path("direct-debits/runs/", RunListView.as_view(), name="api-direct-debit-runs"),
    path("direct-debits/runs/<int:pk>/", RunDetailView.as_view(), name="api-direct-debit-run"),
    path("direct-debits/runs/<int:pk>/file/", RunFileView.as_view(), name="api-direct-debit-run-file"),
]
