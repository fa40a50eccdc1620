"""Report pages under /reports/, one namespace: the financial reports (reporting/views), the
operational ones (reporting/operations) and the daily report's subscription."""

from django.urls import path

from reporting.forecast.views import cash_forecast_page
from reporting.operations.urls import urlpatterns as operations_urlpatterns
from reporting.subscriptions.urls import urlpatterns as subscriptions_urlpatterns
from reporting.views import index
from reporting.views.aging import aging, aging_customer
from reporting.views.dso import dso
from reporting.views.kpis import kpi_page
from reporting.views.vat import vat

app_name = "reporting"
urlpatterns = [
    path("", index, name="index"),
    path("aging/", aging, name="aging"),
    path("aging/customers/<int:customer_id>/", aging_customer, name="aging-customer"),
    path("dso/", dso, name="dso"),
    path("kpis/", kpi_page, name="kpis"),
    path("vat/", vat, name="vat"),
    path("cash-forecast/", cash_forecast_page, name="cash-forecast"),
    *operations_urlpatterns,
    *subscriptions_urlpatterns,
]
