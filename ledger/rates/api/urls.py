from django.urls import path

from ledger.rates.api import views

urlpatterns = [
    path("exchange-rates/", views.ExchangeRateListView.as_view(), name="api-exchange-rates"),
    path("exchange-rates/ecb/", views.EcbUploadView.as_view(), name="api-exchange-rates-ecb"),
]
