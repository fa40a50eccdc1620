from django.urls import path

from receivables.collections.api.views import (
    ActivityListView,
    AssignmentView,
    CustomerRiskView,
    PromiseCancelView,
    PromiseDetailView,
    PromiseListView,
    WorklistView,
)

urlpatterns = [
    path("promises/", PromiseListView.as_view(), name="api-promises"),
    path("promises/<int:pk>/", PromiseDetailView.as_view(), name="api-promise"),
    path("promises/<int:pk>/cancel/", PromiseCancelView.as_view(), name="api-promise-cancel"),
    path("collections/activities/", ActivityListView.as_view(), name="api-activities"),
    path("collections/worklist/", WorklistView.as_view(), name="api-worklist"),
    path("customers/<int:pk>/risk/", CustomerRiskView.as_view(), name="api-customer-risk"),
    path("collections/assignments/", AssignmentView.as_view(), name="api-collector-assignments"),
]
