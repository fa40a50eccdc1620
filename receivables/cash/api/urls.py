from django.urls import path

from receivables.cash.api.views import (
    PaymentApplyView,
    PaymentBulkView,
    PaymentDetailView,
    PaymentListView,
    PaymentNotificationView,
    PaymentRefundView,
    PaymentReverseView,
    WriteOffListView,
)

urlpatterns = [
    path("payments/", PaymentListView.as_view(), name="api-payments"),
    path("payments/bulk/", PaymentBulkView.as_view(), name="api-payments-bulk"),
    path("payments/<int:pk>/", PaymentDetailView.as_view(), name="api-payment"),
    path("payments/<int:pk>/apply/", PaymentApplyView.as_view(), name="api-payment-apply"),
    path("payments/<int:pk>/reverse/", PaymentReverseView.as_view(), name="api-payment-reverse"),
    path("payments/<int:pk>/refund/", PaymentRefundView.as_view(), name="api-payment-refund"),
    path("write-offs/", WriteOffListView.as_view(), name="api-write-offs"),
    path("payment-notifications/", PaymentNotificationView.as_view(), name="api-payment-notifications"),
]
