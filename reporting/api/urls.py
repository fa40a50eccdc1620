from reporting.api import operations, reports

urlpatterns = [*reports.urlpatterns, *operations.urlpatterns]
