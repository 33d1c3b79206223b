"""The errors that mean "a shared service is away", for the few places that carry on
without it (the database answers instead of the cache, the outbox sweep sends instead of
the broker, a request goes through unthrottled).

Only these are caught there: any other error is a bug and must surface.
"""

from __future__ import annotations

import sqlite3

from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

# Django's RedisCache lets redis-py's errors through (ConnectionError, TimeoutError: both
# RedisError); OSError is a socket failing under any other cache backend. The local-memory
# cache of development never fails.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)

# Celery's publish gives up with kombu's OperationalError once its retries are spent; a
# refused connection before that is an OSError.
BROKER_ERRORS: tuple[type[Exception], ...] = (BrokerOperationalError, OSError)

# The rate limit counts in the shared cache or, without one, in a SQLite file of the
# machine (omni.counters), which may be locked past its timeout or unwritable.
COUNTER_ERRORS: tuple[type[Exception], ...] = (*CACHE_ERRORS, sqlite3.Error)
