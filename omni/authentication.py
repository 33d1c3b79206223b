"""``Authorization: Token <key>`` for API clients."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiClient


class ApiClientTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str):
        client = (
            ApiClient.objects.select_related("location")
            .filter(token_hash=ApiClient.hash_token(key), is_active=True)
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return client, client
