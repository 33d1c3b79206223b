"""Scale-out tests: several real processes (gunicorn, Celery workers, ``manage.py``) on one
PostgreSQL test database and one Redis database.

Every process is started here, in its own session, and stopped by its process group at the
end of its test (never by name: other gunicorn or Celery processes may run on this host).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
SCALE_REDIS_DB = 10


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not DATABASE_URL's)."""
    params = connection.settings_dict
    user = quote(params["USER"] or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    host = params["HOST"] or "127.0.0.1"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{params['NAME']}"


def scale_broker_url() -> str | None:
    """Redis db 10 on the configured broker's server; None without a Redis broker."""
    configured = settings.CELERY_BROKER_URL
    if not configured.startswith(("redis://", "rediss://")):
        return None
    parts = urlsplit(configured)
    return urlunsplit((parts.scheme, parts.netloc, f"/{SCALE_REDIS_DB}", "", ""))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, interval: float = 0.1, what: str = ""):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(interval)


def base_environment(**overrides: str) -> dict[str, str]:
    """The environment of a child process: this one's, minus Omni's own settings, plus these."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "CELERY_", "CACHE_", "OMNI_", "GUNICORN_", "SENTRY_"))
        and name not in ("WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR", "SQLITE_TEST_DB")
    }
    environment.update(overrides)
    return environment


class Processes:
    """Children started for one test, each in its own process group, logs in /tmp/scale_*."""

    def __init__(self, name: str) -> None:
        self.name = re.sub(r"\W+", "_", name)[:60]
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, label: str, args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
        log = Path(f"/tmp/scale_{self.name}_{label}.log")
        with log.open("wb") as output:
            process = subprocess.Popen(
                args, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((label, process, log))
        return process, log

    def log_tails(self, lines: int = 15) -> str:
        tails = []
        for label, _process, log in self.started:
            text = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else []
            tails.append(f"--- {label} ({log})\n" + "\n".join(text))
        return "\n".join(tails)

    def stop_all(self) -> None:
        members = {pid for _label, process, _log in self.started for pid in group_members(process.pid)}
        for _label, process, _log in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # its own group: it and its children only
        deadline = time.monotonic() + 15
        for _label, process, _log in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        # A child that outlived its parent, by pid, if it is still in that parent's group.
        leaders = {process.pid for _label, process, _log in self.started}
        for pid in members - leaders:
            if process_group(pid) in leaders:
                os.kill(pid, signal.SIGKILL)


def process_group(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[2])  # fields after the command: state, ppid, pgrp


def group_members(leader: int) -> set[int]:
    return {int(entry.name) for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and process_group(int(entry.name)) == leader}


@pytest.fixture
def processes(request, transactional_db):
    """Started after the test database and stopped before it is flushed."""
    group = Processes(request.node.name)
    yield group
    group.stop_all()
