from django.urls import path

from receivables.revaluation.api import views

urlpatterns = [path("revaluations/", views.RevaluationView.as_view(), name="api-revaluations")]
