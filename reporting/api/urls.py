from django.urls import path

from reporting.api.views import AgingView, DSOView, KPIsView, VatView
from reporting.forecast.api.views import CashForecastView
from reporting.operations.api.urls import urlpatterns as operations_urlpatterns

urlpatterns = [
    path("reports/aging/", AgingView.as_view(), name="api-report-aging"),
    path("reports/dso/", DSOView.as_view(), name="api-report-dso"),
    path("reports/kpis/", KPIsView.as_view(), name="api-report-kpis"),
    path("reports/vat/", VatView.as_view(), name="api-report-vat"),
    path("reports/cash-forecast/", CashForecastView.as_view(), name="api-report-cash-forecast"),
    *operations_urlpatterns,
]
