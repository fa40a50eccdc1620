from django.urls import path

from quotations.api import views

urlpatterns = [
    path("quotations/", views.QuotationListView.as_view(), name="api-quotations"),
    path("quotations/<int:pk>/", views.QuotationDetailView.as_view(), name="api-quotation"),
    path("quotations/<int:pk>/send/", views.QuotationSendView.as_view(), name="api-quotation-send"),
    path("quotations/<int:pk>/accept/", views.QuotationAcceptView.as_view(), name="api-quotation-accept"),
    path("quotations/<int:pk>/decline/", views.QuotationDeclineView.as_view(), name="api-quotation-decline"),
    path("quotations/<int:pk>/events/", views.QuotationEventsView.as_view(), name="api-quotation-events"),
    path("quotations/<int:pk>/pdf/", views.QuotationPdfView.as_view(), name="api-quotation-pdf"),
]
