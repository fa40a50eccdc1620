from django.urls import path

from receivables.directdebit import views

urlpatterns = [
    path("mandates/", views.mandate_list, name="mandates"),
    path("mandates/<int:mandate_id>/revoke/", views.mandate_revoke, name="mandate-revoke"),
    path("direct-debits/", views.run_list, name="direct-debits"),
    path("direct-debits/<int:run_id>/", views.run_detail, name="direct-debit-run"),
    path("direct-debits/<int:run_id>/file/", views.run_file, name="direct-debit-run-file"),
]
