from django.urls import path

from customers.api import views

urlpatterns = [
    path("customers/", views.CustomerListCreateView.as_view(), name="api-customers"),
    path("customers/<int:pk>/", views.CustomerDetailView.as_view(), name="api-customer"),
]
