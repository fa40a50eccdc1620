from django.urls import path

from receivables.portal import views

app_name = "portal"
urlpatterns = [
    path("<str:token>/", views.overview, name="overview"),
    path("<str:token>/invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    path("<str:token>/statement/", views.statement, name="statement"),
    path("<str:token>/quotations/<int:quotation_id>/pdf/", views.quotation_pdf, name="quotation-pdf"),
    path(
        "<str:token>/quotations/<int:quotation_id>/accept/", views.quotation_accept, name="quotation-accept"
    ),
]
