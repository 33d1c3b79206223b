"""Swagger UI at ``/api/docs/``, with the same opener policy as every other page.

drf-spectacular's view sends ``Cross-Origin-Opener-Policy: unsafe-none`` so that an OAuth2
log-in pop-up can talk back to the page; Omni's API takes tokens, there is no such pop-up,
and the README promises ``same-origin`` everywhere."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView


class SwaggerView(SpectacularSwaggerView):
    @extend_schema(exclude=True)  # as the view it extends: the page is not an operation
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        return response
