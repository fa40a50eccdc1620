from django.urls import path

from receivables.statements import views

urlpatterns = [
    path("customers/<int:customer_id>/statement/", views.customer_statement, name="customer-statement"),
    path("customers/<int:customer_id>/portal-links/", views.portal_links, name="portal-links"),
    path(
        "customers/<int:customer_id>/portal-links/<int:link_id>/revoke/",
        views.portal_link_revoke_page,
        name="portal-link-revoke",
    ),
]
