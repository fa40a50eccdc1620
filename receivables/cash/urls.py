from django.urls import path

from receivables.cash.views import entry, payments

urlpatterns = [
    path("payments/", payments.payment_list, name="payments"),
    path("payments/new/", entry.payment_new, name="payment-new"),
    path("payments/new/customers/", entry.payment_customer_search, name="payment-customer-search"),
    path("payments/new/proposal/", entry.payment_entry_proposal, name="payment-proposal"),
    path("payments/new/totals/", entry.payment_entry_totals, name="payment-totals"),
    path("payments/<int:payment_id>/", payments.payment_detail, name="payment-detail"),
    path("payments/<int:payment_id>/apply/", payments.payment_apply, name="payment-apply"),
    path("payments/<int:payment_id>/refund/", payments.payment_refund, name="payment-refund"),
    path("payments/<int:payment_id>/reverse/", payments.payment_reverse, name="payment-reverse"),
]
