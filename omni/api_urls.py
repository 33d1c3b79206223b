"""``/api/v1/``: each app contributes its ``api_urls``; the root lists the collections."""

from django.urls import include, path

from .api import ApiRootApi, LocationDetailApi, LocationListCreateApi

urlpatterns = [
    path("", ApiRootApi.as_view(), name="api-root"),
    path("locations/", LocationListCreateApi.as_view(), name="location-list"),
    path("locations/<slug:code>/", LocationDetailApi.as_view(), name="location-detail"),
    path("", include("inventory.api_urls")),
    path("", include("customers.api_urls")),
    path("", include("promotions.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("journeys.api_urls")),
]

# name shown in the root -> URL name; apps append theirs in AppConfig.ready().
ROOT_LINKS: list[tuple[str, str]] = [("locations", "location-list")]


def root_links() -> list[tuple[str, str]]:
    return ROOT_LINKS
