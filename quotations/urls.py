from django.urls import path

from quotations import views

app_name = "quotations"
urlpatterns = [
    path("", views.quotation_list, name="list"),
    path("new/", views.quotation_create, name="create"),
    path("<int:quotation_id>/", views.quotation_detail, name="detail"),
    path("<int:quotation_id>/edit/", views.quotation_edit, name="edit"),
    path("<int:quotation_id>/send/", views.quotation_send, name="send"),
    path("<int:quotation_id>/accept/", views.quotation_accept, name="accept"),
    path("<int:quotation_id>/decline/", views.quotation_decline, name="decline"),
    path("<int:quotation_id>/pdf/", views.quotation_pdf, name="pdf"),
]
