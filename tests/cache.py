"""The shared cache of one test process when several run at once (pytest-xdist).

Every worker of a parallel run talks to the same Redis database (``CACHE_URL``), and
Django's ``RedisCache.clear()`` empties the whole database: a test clearing the cache
would drop the API client another worker's test has just cached, and that test's query
budget would count one more query. Here each worker keeps its entries under its own key
prefix and ``clear()`` deletes only those.
"""

from __future__ import annotations

import redis
from django.core.cache.backends.redis import RedisCache


class WorkerRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        # The location as configured: one URL (Omni's CACHE_URL), or several, first the primary.
        self.primary_url = server.replace(";", ",").split(",")[0] if isinstance(server, str) else server[0]

    def clear(self) -> bool:
        with redis.Redis.from_url(self.primary_url) as client:
            keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        return True
