"""Report pages under /reports/: one module per area, one namespace."""

from reporting import pages_operations, pages_reports, pages_subscriptions

app_name = "reporting"
urlpatterns = [*pages_reports.urlpatterns, *pages_operations.urlpatterns, *pages_subscriptions.urlpatterns]
