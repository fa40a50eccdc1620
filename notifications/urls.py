from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_settings, name="settings"),
    path("carriers/", views.carrier_add, name="carrier-add"),
    path("carriers/<int:carrier_id>/delete/", views.carrier_delete, name="carrier-delete"),
    path("templates/<int:template_id>/", views.template_edit, name="template-edit"),
]
