"""``/healthz``: is this instance able to serve? Database, cache and broker, each timed.

Public on purpose (load balancers call it without credentials), so it says only up or
down per dependency, never a version or a connection string. 200 when the database is
up (the cache and the broker degrade the service but do not stop it), 503 otherwise.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    # Broad on purpose: a probe reports whatever stops a dependency (refused, timed out,
    # misconfigured, a driver's own error) as down, and must never fail itself.
    except Exception:  # noqa: BLE001
        return {"ok": False}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("healthz", "1", timeout=5)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not keep a value")


def _broker() -> None:
    if not settings.CELERY_BROKER_URL:
        return  # tasks run inline: nothing to reach
    from .celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _timed(_database), "cache": _timed(_cache), "broker": _timed(_broker)}
    serving = checks["database"]["ok"]
    return JsonResponse({"ok": serving, "checks": checks}, status=200 if serving else 503)
