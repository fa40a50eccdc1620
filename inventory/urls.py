from django.urls import path

from inventory import views

app_name = "inventory"
urlpatterns = [
    path("products/", views.product_list, name="products"),
    path("products/options/", views.product_options, name="product-options"),
    path("stock/", views.stock, name="stock"),
    path("stock/panel/", views.stock_panel, name="stock-panel"),
    path("receive/", views.goods_receipt, name="receive"),
    path("moves/", views.stock_moves, name="moves"),
]
