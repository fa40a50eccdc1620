"""O2C's URLs and the ceiling's (bench.settings only)."""

from django.urls import path

from bench.ceiling.views import CeilingOrderView
from o2c.urls import handler404, handler500
from o2c.urls import urlpatterns as o2c_urlpatterns

urlpatterns = [
    path("bench/ceiling/orders/", CeilingOrderView.as_view(), name="bench-ceiling-orders"),
    *o2c_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
