from django.urls import path

from ledger import views

app_name = "ledger"
urlpatterns = [
    path("trial-balance/", views.trial_balance, name="trial-balance"),
    path("journal/", views.journal, name="journal"),
    path("lock-date/", views.lock_date, name="lock-date"),
]
