from django.urls import path

from fulfillment import views

app_name = "fulfillment"
urlpatterns = [
    path("", views.pick_queue, name="queue"),
    path("orders/<int:order_id>/pick/", views.pick, name="pick"),
    path("shipments/", views.shipment_list, name="shipments"),
    path("shipments/<int:shipment_id>/", views.shipment_detail, name="shipment"),
    path("shipments/<int:shipment_id>/pack/", views.shipment_pack, name="pack"),
    path("shipments/<int:shipment_id>/ship/", views.shipment_ship, name="ship"),
    path("shipments/<int:shipment_id>/deliver/", views.shipment_deliver, name="deliver"),
    path("shipments/<int:shipment_id>/pick-list/", views.pick_list, name="pick-list"),
    path("late/", views.late, name="late"),
]
