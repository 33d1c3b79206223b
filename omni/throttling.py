"""Per-actor rate limit: a fixed window counted with one atomic increment in a store
that every process shares: Redis when the cache is Redis (``CACHE_URL``), another shared
cache through Django's cache API, else a counter file of the machine (``omni.counters``),
never a process's own memory.

DRF's default throttles keep a list of timestamps per caller, which costs more as the
rate grows; at thousands of requests per second a counter is what scales. On Redis the
count is one round trip (the window's counter created with its expiry, then INCR, in one
pipeline); a client without a limit costs none. If the store is down the request goes
through: throttling is for fairness, not for correctness.

Rates (DRF's ``DEFAULT_THROTTLE_RATES``): ``shop`` for web and app clients, whose one
token serves every shopper of the website or the app; ``actor`` for every other client
and for staff sessions; an API client's own ``rate_limit`` overrides its kind's.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from . import counters
from .models import ApiClient
from .outages import COUNTER_ERRORS
from .rates import parse_rate

logger = logging.getLogger(__name__)

SHOP_KINDS = frozenset({ApiClient.Kind.WEB, ApiClient.Kind.APP})
KEY_PREFIX = "omni:throttle"


def cache_is_shared() -> bool:
    """Whether the default cache is one store for every process (not local memory)."""
    return not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


@lru_cache(maxsize=4)
def _redis(location: str) -> redis.Redis:
    # The cache's primary (the first of several locations); a pool per process.
    return redis.Redis.from_url(location.replace(";", ",").split(",")[0])


def count(key: str, *, ttl: int) -> int:
    """This window's requests so far, this one included."""
    if isinstance(caches["default"], RedisCache):
        location = settings.CACHES["default"]["LOCATION"]
        pipeline = _redis(location if isinstance(location, str) else location[0]).pipeline(transaction=False)
        pipeline.set(key, 0, ex=ttl, nx=True)  # a new window's counter, with its expiry
        pipeline.incr(key)
        _created, seen = pipeline.execute()
        return int(seen)
    if cache_is_shared():
        if cache.add(key, 1, timeout=ttl):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # the window's counter was evicted between the two calls
            cache.set(key, 1, timeout=ttl)
            return 1
    return counters.increment(key, ttl=ttl)


def peek(key: str) -> int:
    """This window's count so far, without counting (0 when none, or the store is down)."""
    try:
        if isinstance(caches["default"], RedisCache):
            location = settings.CACHES["default"]["LOCATION"]
            value = _redis(location if isinstance(location, str) else location[0]).get(key)
            return int(value or 0)
        if cache_is_shared():
            return int(cache.get(key) or 0)
        return counters.read(key)
    except COUNTER_ERRORS:
        logger.warning("counter store unavailable", exc_info=True)
        return 0


class ActorRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self.window_end = 0.0

    def limit(self, request) -> tuple[str, tuple[int, int] | None] | None:
        """Who is counted and at what rate; None for an anonymous request (refused anyway)."""
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if isinstance(request.auth, ApiClient):
            client = request.auth
            rate = client.rate_limit or rates.get("shop" if client.kind in SHOP_KINDS else "actor")
            ident = f"client:{client.pk}"
        elif request.user and request.user.is_authenticated:
            rate, ident = rates.get("actor"), f"user:{request.user.pk}"
        else:
            return None
        # No rate configured: no limit (as DRF's own throttles).
        return ident, parse_rate(str(rate)) if rate else None

    def allow_request(self, request, view) -> bool:
        limit = self.limit(request)
        if limit is None:
            return True
        ident, rate = limit
        if rate is None:
            return True
        requests, duration = rate
        window = int(time.time() // duration)
        self.window_end = (window + 1) * duration
        try:
            seen = count(f"{KEY_PREFIX}:{ident}:{window}", ttl=duration + 1)
        except COUNTER_ERRORS:  # store outage: let the request through
            logger.warning("throttle store unavailable", exc_info=True)
            return True
        return seen <= requests

    def wait(self) -> float:
        return max(self.window_end - time.time(), 0.0) or 1.0
