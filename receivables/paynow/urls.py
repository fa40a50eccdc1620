from django.urls import path

from receivables.paynow import views

app_name = "paynow"
urlpatterns = [
    path("<str:token>/", views.pay, name="pay"),
    path("<str:token>/test-provider/", views.test_provider, name="test-provider"),
    path("<str:token>/test-provider/pay/", views.test_provider_pay, name="test-provider-pay"),
]
