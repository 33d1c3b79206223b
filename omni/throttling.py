"""Per-actor rate limit: a fixed window counted with one atomic increment in a store
that every process shares: the cache when it is shared (Redis, ``CACHE_URL``), else a
counter file of the machine (``omni.counters``), never a process's own memory.

DRF's default throttles keep a list of timestamps per caller, which costs more as the
rate grows; at hundreds of requests per second a counter is what scales. If the store is
down the request goes through: throttling is for fairness, not for correctness.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from . import counters
from .models import ApiClient
from .outages import COUNTER_ERRORS


def cache_is_shared() -> bool:
    """Whether the default cache is one store for every process (not local memory)."""
    return not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def count(key: str, *, ttl: float) -> int:
    if cache_is_shared():
        cache.add(key, 0, timeout=ttl)
        try:
            return cache.incr(key)
        except ValueError:  # the window's counter was evicted between the two calls
            cache.set(key, 1, timeout=ttl)
            return 1
    return counters.increment(key, ttl=ttl)

logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    """DRF's rate notation, ``"600/min"``: requests per second, minute, hour or day."""
    requests, period = rate.split("/")
    return int(requests), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


class ActorRateThrottle(BaseThrottle):
    scope = "actor"

    def __init__(self) -> None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        # No rate configured: no limit (as DRF's own throttles).
        self.limit = parse_rate(str(rate)) if rate else None
        self.window_end = 0.0

    def ident(self, request) -> str | None:
        if isinstance(request.auth, ApiClient):
            return f"client:{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return None

    def allow_request(self, request, view) -> bool:
        ident = self.ident(request)
        if self.limit is None or ident is None:
            return True
        requests, duration = self.limit
        now = time.time()
        window = int(now // duration)
        self.window_end = (window + 1) * duration
        key = f"throttle:{self.scope}:{ident}:{window}"
        try:
            seen = count(key, ttl=duration + 1)
        except COUNTER_ERRORS:  # store outage: let the request through
            logger.warning("throttle store unavailable", exc_info=True)
            return True
        return seen <= requests

    def wait(self) -> float:
        return max(self.window_end - time.time(), 0.0) or 1.0
