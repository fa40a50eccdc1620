from django.urls import path

from receivables.collections.api.views import (
    ActivityListView,
    PromiseCancelView,
    PromiseDetailView,
    PromiseListView,
)

urlpatterns = [
    path("promises/", PromiseListView.as_view(), name="api-promises"),
    path("promises/<int:pk>/", PromiseDetailView.as_view(), name="api-promise"),
    path("promises/<int:pk>/cancel/", PromiseCancelView.as_view(), name="api-promise-cancel"),
    path("collections/activities/", ActivityListView.as_view(), name="api-activities"),
]
