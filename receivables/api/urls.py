from receivables.api import dunning, statements, views

urlpatterns = [*views.urlpatterns, *dunning.urlpatterns, *statements.urlpatterns]
