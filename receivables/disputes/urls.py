from django.urls import path

from receivables.disputes import views

urlpatterns = [
    path("disputes/", views.dispute_list, name="disputes"),
    path("disputes/new/", views.dispute_new, name="dispute-new"),
    path("disputes/<int:dispute_id>/", views.dispute_detail, name="dispute-detail"),
    path("disputes/<int:dispute_id>/resolve/", views.dispute_resolve, name="dispute-resolve"),
    path("write-offs/new/", views.write_off_new, name="write-off-new"),
]
