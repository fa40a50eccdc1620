from django.urls import path

from receivables.paynow.api.views import StripeWebhookView

urlpatterns = [
    path("stripe/webhook/", StripeWebhookView.as_view(), name="api-stripe-webhook"),
]
