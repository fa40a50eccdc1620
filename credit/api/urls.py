from django.urls import path

from credit.api.views import CreditSettingsView

urlpatterns = [
    path("credit/settings/", CreditSettingsView.as_view(), name="api-credit-settings"),
]
