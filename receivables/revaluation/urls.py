from django.urls import path

from receivables.revaluation import views

urlpatterns = [path("revaluation/", views.revaluation, name="revaluation")]
