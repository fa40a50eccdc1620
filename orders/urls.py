from django.urls import path

from orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_create, name="create"),
    path("entry/lines/", views.entry_lines, name="entry-lines"),
    path("entry/customers/", views.customer_search, name="customer-search"),
    path("entry/products/", views.product_search, name="product-search"),
    path("<int:order_id>/", views.order_detail, name="detail"),
    path("<int:order_id>/edit/", views.order_edit, name="edit"),
    path("<int:order_id>/submit/", views.order_submit, name="submit"),
    path("<int:order_id>/cancel/", views.order_cancel, name="cancel"),
]
