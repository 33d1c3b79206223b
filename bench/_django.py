"""Shared set-up for benchmarks: a throwaway PostgreSQL database, migrated, with Django
configured for it. Benchmarks print figures; they are not part of the test run."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def production_environment() -> None:
    """Settings as production runs them (no DEBUG bookkeeping, quiet logs) with what a
    benchmark needs: no https redirect, the test hosts, no rate limit in the way."""
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-bench-only-secret-key-bench-only")
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["OMNI_API_THROTTLE_RATE"] = os.environ["OMNI_API_SHOP_THROTTLE_RATE"] = "1000000/s"  # still counted
    os.environ["DJANGO_LOG_LEVEL"] = "ERROR"
    # Omni's settings with the floor's route (bench/ping_urls.py), which the product lacks.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def setup(database: str, *, reset: bool = True) -> None:
    """Point Django at ``postgres://…/<database>`` (BENCH_PG_URL overrides the server),
    recreate it when ``reset``, and migrate."""
    import psycopg

    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    if reset:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
            connection.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = f"{server}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omni.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")  # no line per request in the benchmark's report
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks inline: the benchmark measures the whole work
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
