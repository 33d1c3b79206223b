"""Scale-out tests: several real processes (gunicorn, Celery workers, ``manage.py``) on one
PostgreSQL test database and one Redis database.

Every process is started here, in its own session, and stopped by its process group at the
end of its test (never by name: other gunicorn or Celery processes may run on this host).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.live import database_url, free_port, private_redis, wait_for  # noqa: F401 - the tests import them from here

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent








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
    """Children started for one test, each in its own process group, logs in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, label: str, args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
        log = self.directory / f"{label}.log"
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
def processes(tmp_path, transactional_db):
    """Started after the test database and stopped before it is flushed."""
    group = Processes(tmp_path)
    yield group
    group.stop_all()
