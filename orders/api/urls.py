from django.urls import path

from orders.api import views

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="api-orders"),
    path("orders/bulk/", views.OrderBulkView.as_view(), name="api-orders-bulk"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="api-order"),
    path("orders/<int:pk>/submit/", views.OrderSubmitView.as_view(), name="api-order-submit"),
    path(
        "orders/<int:pk>/release-hold/", views.OrderReleaseHoldView.as_view(), name="api-order-release-hold"
    ),
    path("orders/<int:pk>/reject-hold/", views.OrderRejectHoldView.as_view(), name="api-order-reject-hold"),
    path("orders/<int:pk>/cancel/", views.OrderCancelView.as_view(), name="api-order-cancel"),
    path("orders/<int:pk>/events/", views.OrderEventsView.as_view(), name="api-order-events"),
]
