from django.urls import path

from invoicing.api import views

urlpatterns = [
    path("invoices/", views.InvoiceListView.as_view(), name="api-invoices"),
    path("invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="api-invoice"),
    path("invoices/<int:pk>/pdf/", views.InvoicePdfView.as_view(), name="api-invoice-pdf"),
    path("invoices/<int:pk>/xml/", views.InvoiceXmlView.as_view(), name="api-invoice-xml"),
    path("credit-notes/<int:pk>/xml/", views.CreditNoteXmlView.as_view(), name="api-credit-note-xml"),
    path("credit-notes/", views.CreditNoteListView.as_view(), name="api-credit-notes"),
    path("credit-notes/<int:pk>/", views.CreditNoteDetailView.as_view(), name="api-credit-note"),
]
