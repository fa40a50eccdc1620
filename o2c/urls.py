from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from o2c import views
from o2c.api_views import TokenView

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("ledger.api.urls")),
    path("", include("customers.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("credit.api.urls")),
    path("", include("pricing.api.urls")),
    path("", include("quotations.api.urls")),
    path("", include("fulfillment.api.urls")),
    path("", include("invoicing.api.urls")),
    path("", include("receivables.api.urls")),
    path("", include("returns.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("imports.api.urls")),
    path("", include("webhooks.api.urls")),
]

handler404 = "o2c.views.page_not_found"  # JSON under /api/ (decision 0043)
handler500 = "o2c.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/sales/", views.home_sales, name="home-sales"),
    path("home/warehouse/", views.home_warehouse, name="home-warehouse"),
    path("home/finance/", views.home_finance, name="home-finance"),
    path("home/manager/", views.home_manager, name="home-manager"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("ledger/", include("ledger.urls")),
    path("customers/", include("customers.urls")),
    path("inventory/", include("inventory.urls")),
    path("orders/", include("orders.urls")),
    path("quotations/", include("quotations.urls")),
    path("price-lists/", include("pricing.urls")),
    path("credit/", include("credit.urls")),
    path("warehouse/returns/", include("returns.urls")),
    path("warehouse/", include("fulfillment.urls")),
    path("invoices/", include("invoicing.urls")),
    path("cash/", include("receivables.urls")),
    path("portal/", include("receivables.portal.urls")),
    path("pay/", include("receivables.paynow.urls")),
    path("reports/", include("reporting.urls")),
    path("imports/", include("imports.urls")),
    path("notifications/", include("notifications.urls")),
    path("settings/webhooks/", include("webhooks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
