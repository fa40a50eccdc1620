from django.urls import path

from webhooks.api import views

urlpatterns = [
    path("webhooks/endpoints/", views.EndpointListCreateView.as_view(), name="api-webhook-endpoints"),
    path("webhooks/endpoints/<int:pk>/", views.EndpointDetailView.as_view(), name="api-webhook-endpoint"),
    path(
        "webhooks/endpoints/<int:pk>/rotate-secret/",
        views.EndpointRotateSecretView.as_view(),
        name="api-webhook-endpoint-rotate",
    ),
    path("webhooks/deliveries/", views.DeliveryListView.as_view(), name="api-webhook-deliveries"),
    path("webhooks/deliveries/<int:pk>/", views.DeliveryDetailView.as_view(), name="api-webhook-delivery"),
    path(
        "webhooks/deliveries/<int:pk>/resend/",
        views.DeliveryResendView.as_view(),
        name="api-webhook-delivery-resend",
    ),
]
