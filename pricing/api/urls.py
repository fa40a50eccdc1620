from django.urls import path

from pricing.api import views

urlpatterns = [
    path("price-lists/", views.PriceListListView.as_view(), name="api-price-lists"),
    path("price-lists/<int:pk>/", views.PriceListDetailView.as_view(), name="api-price-list"),
]
