from django.urls import path

from receivables.bank.api.views import BankStatementDetailView, BankStatementListView, BankStatementRecordView

urlpatterns = [
    path("bank-statements/", BankStatementListView.as_view(), name="api-bank-statements"),
    path("bank-statements/<int:pk>/", BankStatementDetailView.as_view(), name="api-bank-statement"),
    path(
        "bank-statements/<int:pk>/record/",
        BankStatementRecordView.as_view(),
        name="api-bank-statement-record",
    ),
]
