from django.urls import path

from returns.api import views

urlpatterns = [
    path("returns/", views.ReturnListView.as_view(), name="api-returns"),
    path("returns/<int:pk>/", views.ReturnDetailView.as_view(), name="api-return"),
    path("returns/<int:pk>/receive/", views.ReturnReceiveView.as_view(), name="api-return-receive"),
    path("returns/<int:pk>/cancel/", views.ReturnCancelView.as_view(), name="api-return-cancel"),
]
