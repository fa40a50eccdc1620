from django.urls import path

from ledger import views
from ledger.rates import views as rate_views

app_name = "ledger"
urlpatterns = [
    path("trial-balance/", views.trial_balance, name="trial-balance"),
    path("journal/", views.journal, name="journal"),
    path("lock-date/", views.lock_date, name="lock-date"),
    path("exchange-rates/", rate_views.exchange_rates, name="exchange-rates"),
]
