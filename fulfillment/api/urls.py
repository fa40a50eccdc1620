from django.urls import path

from fulfillment.api import views

urlpatterns = [
    path("shipments/", views.ShipmentListView.as_view(), name="api-shipments"),
    path("shipments/<int:pk>/", views.ShipmentDetailView.as_view(), name="api-shipment"),
    path("shipments/<int:pk>/pack/", views.ShipmentPackView.as_view(), name="api-shipment-pack"),
    path("shipments/<int:pk>/ship/", views.ShipmentShipView.as_view(), name="api-shipment-ship"),
    path("shipments/<int:pk>/deliver/", views.ShipmentDeliverView.as_view(), name="api-shipment-deliver"),
]
