from django.urls import path

from receivables.statements.api import views

urlpatterns = [
    path(
        "customers/<int:pk>/statement/", views.CustomerStatementView.as_view(), name="api-customer-statement"
    ),
    path(
        "customers/<int:pk>/portal-link/",
        views.CustomerPortalLinkView.as_view(),
        name="api-customer-portal-link",
    ),
]
