from django.urls import path

from credit import views

app_name = "credit"
urlpatterns = [
    path("holds/", views.hold_queue, name="holds"),
    path("settings/", views.credit_settings, name="settings"),
    path("holds/<int:order_id>/release/", views.hold_release, name="release"),
    path("holds/<int:order_id>/reject/", views.hold_reject, name="reject"),
]
