from django.urls import path

from imports.api.views import ImportView

urlpatterns = [path("imports/<str:kind>/", ImportView.as_view(), name="api-import")]
