from django.urls import path

from reporting.operations.api.views import (
    CashView,
    CreditHoldsView,
    CycleTimesView,
    DisputesView,
    FulfilmentView,
    PromisesView,
    SalesView,
)

urlpatterns = [
    path("reports/cycle-times/", CycleTimesView.as_view(), name="api-report-cycle-times"),
    path("reports/fulfilment/", FulfilmentView.as_view(), name="api-report-fulfilment"),
    path("reports/credit-holds/", CreditHoldsView.as_view(), name="api-report-credit-holds"),
    path("reports/disputes/", DisputesView.as_view(), name="api-report-disputes"),
    path("reports/cash/", CashView.as_view(), name="api-report-cash"),
    path("reports/sales/", SalesView.as_view(), name="api-report-sales"),
    path("reports/promises/", PromisesView.as_view(), name="api-report-promises"),
]
