"""``Authorization: Token <key>`` for API clients.

Every API request authenticates, so the client (with its location) is kept in the cache
for a minute under its token's hash: a request then spends its queries on what it asked
for. Saving or deleting a client or a location drops the cached entries (signals below),
so a revoked token stops working at once where the cache is shared (Redis); with a
per-process cache (development) within ``CLIENT_CACHE_SECONDS``. A cache outage only
costs the query again.
"""

import logging

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiClient, Location
from .outages import CACHE_ERRORS

logger = logging.getLogger(__name__)

CLIENT_CACHE_SECONDS = 60
_MISSING = object()


def _cache_key(token_hash: str) -> str:
    return f"apiclient:{token_hash}"


class ApiClientTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str):
        client = _active_client(ApiClient.hash_token(key))
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return client, client


def _active_client(token_hash: str) -> ApiClient | None:
    key = _cache_key(token_hash)
    try:
        cached = cache.get(key, _MISSING)
    except CACHE_ERRORS:  # cache outage: the database answers
        logger.warning("api client cache unavailable", exc_info=True)
        cached = _MISSING
    if cached is not _MISSING:
        return cached
    client = ApiClient.objects.select_related("location").filter(token_hash=token_hash, is_active=True).first()
    if client is not None:  # unknown tokens are not cached: guessing must not fill the cache
        try:
            cache.set(key, client, timeout=CLIENT_CACHE_SECONDS)
        except CACHE_ERRORS:  # cache outage: the next request asks the database again
            logger.warning("api client cache unavailable", exc_info=True)
    return client


def forget_clients(token_hashes) -> None:
    try:
        cache.delete_many([_cache_key(h) for h in token_hashes])
    except CACHE_ERRORS:  # cache outage: entries expire by themselves within a minute
        logger.warning("api client cache unavailable", exc_info=True)


@receiver([post_save, post_delete], sender=ApiClient, dispatch_uid="omni-forget-api-client")
def _client_changed(sender, instance: ApiClient, **kwargs) -> None:
    forget_clients([instance.token_hash])


@receiver([post_save, post_delete], sender=Location, dispatch_uid="omni-forget-location-clients")
def _location_changed(sender, instance: Location, **kwargs) -> None:
    # A POS client carries its store: a closed or renamed store must not linger in the cache.
    forget_clients(ApiClient.objects.filter(location=instance).values_list("token_hash", flat=True))
