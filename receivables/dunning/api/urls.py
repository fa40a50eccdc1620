from django.urls import path

from receivables.dunning.api import views

urlpatterns = [
    path("dunning/runs/", views.DunningRunCreateView.as_view(), name="api-dunning-runs"),
    path("dunning/runs/<int:pk>/", views.DunningRunDetailView.as_view(), name="api-dunning-run"),
    path("dunning/notices/", views.DunningNoticeListView.as_view(), name="api-dunning-notices"),
    path("dunning/notices/<int:pk>/", views.DunningNoticeDetailView.as_view(), name="api-dunning-notice"),
]
