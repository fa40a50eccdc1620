from django.urls import path

from receivables.dunning import views

urlpatterns = [
    path("dunning/", views.dunning_page, name="dunning"),
    path("dunning/runs/", views.dunning_run_start, name="dunning-run-start"),
    path("dunning/runs/<int:run_id>/", views.dunning_run_detail, name="dunning-run"),
    path("dunning/runs/<int:run_id>/progress/", views.dunning_run_progress, name="dunning-run-progress"),
    path("dunning/notices/", views.notice_list, name="dunning-notices"),
    path("dunning/notices/<int:notice_id>/pdf/", views.notice_pdf, name="dunning-notice-pdf"),
]
