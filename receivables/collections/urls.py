from django.urls import path

from receivables.collections import views

urlpatterns = [
    path("worklist/", views.worklist_page, name="worklist"),
    path("worklist/<int:customer_id>/activity/", views.worklist_activity, name="worklist-activity"),
    path("worklist/<int:customer_id>/promise/", views.worklist_promise, name="worklist-promise"),
    path("worklist/<int:customer_id>/email/", views.worklist_email, name="worklist-email"),
]
