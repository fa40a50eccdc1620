from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.return_list, name="list"),
    path("new/<int:order_id>/", views.return_create, name="create"),
    path("<int:return_id>/", views.return_detail, name="detail"),
    path("<int:return_id>/receive/", views.return_receive, name="receive"),
    path("<int:return_id>/cancel/", views.return_cancel, name="cancel"),
    path("<int:return_id>/pdf/", views.return_pdf, name="pdf"),
]
