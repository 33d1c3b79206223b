from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import health, observability, views
from .api_docs import SwaggerView

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.OmniLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("search/", views.global_search, name="global-search"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", observability.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("omni.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("inventory/", include("inventory.urls")),
    path("customers/", include("customers.urls")),
    path("promotions/", include("promotions.urls")),
    path("gift-cards/", include("giftcards.urls")),
    path("loyalty/", include("loyalty.urls")),
    path("orders/", include("orders.urls")),
    path("journeys/", include("journeys.urls")),
    # The order tracking links of SMS and e-mails: short, public (orders.tracking).
    path("t/", include("orders.public_urls")),
]

handler400 = "omni.error_pages.bad_request"
handler403 = "omni.error_pages.permission_denied"
handler404 = "omni.error_pages.page_not_found"
handler500 = "omni.error_pages.server_error"
