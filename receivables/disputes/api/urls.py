from django.urls import path

from receivables.disputes.api.views import DisputeDetailView, DisputeListView, DisputeResolveView

urlpatterns = [
    path("disputes/", DisputeListView.as_view(), name="api-disputes"),
    path("disputes/<int:pk>/", DisputeDetailView.as_view(), name="api-dispute"),
    path("disputes/<int:pk>/resolve/", DisputeResolveView.as_view(), name="api-dispute-resolve"),
]
