from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("<str:kind>/", views.import_upload, name="upload"),
    path("<str:kind>/template.<str:fmt>", views.import_template, name="template"),
    path("<str:kind>/<int:batch_id>/", views.import_batch, name="batch"),
    path("<str:kind>/<int:batch_id>/import/", views.import_batch_run, name="run"),
    path("<str:kind>/<int:batch_id>/progress/", views.import_progress, name="progress"),
]
