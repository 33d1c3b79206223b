"""``/api/v1/``: each app contributes its ``api_urls``; the root lists the collections each
app registers as an ``omni.registry.ApiLink``."""

from django.urls import include, path

from .api import ApiRootApi, LocationDetailApi, LocationListCreateApi

urlpatterns = [
    path("", ApiRootApi.as_view(), name="api-root"),
    path("locations/", LocationListCreateApi.as_view(), name="location-list"),
    path("locations/<slug:code>/", LocationDetailApi.as_view(), name="location-detail"),
    path("", include("inventory.api_urls")),
    path("", include("customers.api_urls")),
    path("", include("loyalty.api_urls")),
    path("", include("promotions.api_urls")),
    path("", include("giftcards.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("journeys.api_urls")),
]
