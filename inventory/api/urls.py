from django.urls import path

from inventory.api import views

urlpatterns = [
    path("products/", views.ProductListCreateView.as_view(), name="api-products"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="api-product"),
    path("warehouses/", views.WarehouseListCreateView.as_view(), name="api-warehouses"),
    path("stock/", views.StockLevelListView.as_view(), name="api-stock"),
    path("stock/receipts/", views.StockReceiptView.as_view(), name="api-stock-receipts"),
]
