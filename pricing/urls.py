from django.urls import path

from pricing import views

app_name = "pricing"
urlpatterns = [
    path("", views.price_list_list, name="list"),
    path("new/", views.price_list_create, name="create"),
    path("<int:price_list_id>/", views.price_list_edit, name="edit"),
]
