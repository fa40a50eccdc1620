from django.urls import path

from reporting.operations.views import cash, credit_holds, cycle_times, disputes, fulfilment, promises, sales

urlpatterns = [
    path("cycle-times/", cycle_times, name="cycle-times"),
    path("fulfilment/", fulfilment, name="fulfilment"),
    path("credit-holds/", credit_holds, name="credit-holds"),
    path("disputes/", disputes, name="disputes"),
    path("cash/", cash, name="cash"),
    path("sales/", sales, name="sales"),
    path("promises/", promises, name="promises"),
]
