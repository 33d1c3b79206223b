"""Counters that every process of one machine shares, for the rate limit when no shared
cache is configured (``CACHE_URL`` unset: the embedded default, ``make run``, a single
host without Redis).

Django's local-memory cache is one per process: with three gunicorn processes a limit of
200 requests a second would let 600 through. A small SQLite file beside the system's
temporary files is shared by every process of the machine and increments atomically
(one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` under SQLite's own file lock).
Several machines need the shared cache (Redis), as docs/operations.md says.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings

_local = threading.local()


def counter_file() -> Path:
    """One file per installation (two checkouts on one machine count apart)."""
    configured = getattr(settings, "OMNI_COUNTER_FILE", "")
    if configured:
        return Path(configured)
    installation = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"omni-counters-{installation}.sqlite3"


def _connection() -> sqlite3.Connection:
    path = str(counter_file())
    connection = getattr(_local, "connection", None)
    if connection is None or getattr(_local, "path", None) != path:
        # Autocommit (isolation_level=None): each statement is its own transaction.
        connection = sqlite3.connect(path, timeout=1.0, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")  # a lost count after a power cut is harmless
        connection.execute(
            "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, expires REAL NOT NULL, value INTEGER NOT NULL)"
        )
        _local.connection, _local.path = connection, path
    return connection


def increment(key: str, *, ttl: float) -> int:
    """Add one to ``key`` (created for ``ttl`` seconds) and return its new value."""
    now = time.time()
    connection = _connection()
    (value,) = connection.execute(
        "INSERT INTO counter (key, expires, value) VALUES (?, ?, 1)"
        " ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value",
        (key, now + ttl),
    ).fetchone()
    if value == 1:  # a new window: the expired ones go, so the file stays small
        connection.execute("DELETE FROM counter WHERE expires < ?", (now,))
    return value


def read(key: str) -> int:
    """``key``'s value while its window lasts, else 0."""
    row = _connection().execute(
        "SELECT value FROM counter WHERE key = ? AND expires >= ?", (key, time.time())
    ).fetchone()
    return row[0] if row else 0


def clear() -> None:
    """Forget every count (tests)."""
    _connection().execute("DELETE FROM counter")
