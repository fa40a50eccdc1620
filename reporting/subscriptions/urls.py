from django.urls import path

from reporting.subscriptions.views import subscription

urlpatterns = [path("subscription/", subscription, name="subscription")]
