from django.urls import path

from invoicing import views

app_name = "invoicing"
urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("<int:invoice_id>/", views.invoice_detail, name="detail"),
    path("<int:invoice_id>/pdf/", views.invoice_pdf, name="pdf"),
    path("<int:invoice_id>/credit/", views.credit_note_create, name="credit"),
    path("credit-notes/", views.credit_note_list, name="credit-notes"),
    path("credit-notes/<int:credit_note_id>/", views.credit_note_detail, name="credit-note-detail"),
    path("credit-notes/<int:credit_note_id>/pdf/", views.credit_note_pdf, name="credit-note-pdf"),
]
