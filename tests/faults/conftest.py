"""What the fault tests share: a side connection to the test database, a private Redis
that a test may kill and restart, a fake SMS provider, and Omni processes (gunicorn, a
Celery worker) started against the test database so that a SIGKILL is a real one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.live import PrivateRedis, database_url, free_port, private_redis, wait_for  # noqa: F401 - the tests import them from here

BASE_DIR = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent


# --- PostgreSQL ----------------------------------------------------------------------------
def side_connection(*, autocommit: bool = True):
    """A psycopg connection of its own to the test database, outside Django."""
    import psycopg

    params = connection.settings_dict
    return psycopg.connect(
        dbname=params["NAME"], user=params["USER"], password=params["PASSWORD"] or None,
        host=params["HOST"] or None, port=params["PORT"] or None, autocommit=autocommit,
    )


# --- Redis ---------------------------------------------------------------------------------
# --- a fake SMS provider --------------------------------------------------------------------
class FakeSmsProvider:
    """An HTTP SMS provider in a thread of the test. ``mode`` is how it behaves now:
    ``ok`` accepts (once per Idempotency-Key, as a real provider honouring it would),
    ``error`` answers 500, ``slow`` holds its answer until the test calls ``release()``
    (or ``delay`` seconds pass, so that a forgotten release never hangs the suite),
    ``garbage`` answers something that is not HTTP. ``answered`` lists the requests it
    answered: a client that waited for a slow answer shows there before it carries on."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 0.0
        self.attempts: list[str] = []  # the Idempotency-Key of every request received
        self.deliveries: list[dict] = []  # what reached a phone: one entry per accepted message
        self.answered: list[str] = []  # the Idempotency-Key of every slow request answered
        self.released = threading.Event()
        self._lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key", "")
                with provider._lock:
                    provider.attempts.append(key)
                    mode = provider.mode
                if mode == "slow":
                    provider.released.wait(timeout=provider.delay)
                    with provider._lock:
                        provider.answered.append(key)
                    self._answer(503, {})
                elif mode == "error":
                    self._answer(500, {"error": "internal"})
                elif mode == "garbage":
                    self.wfile.write(b"this is not http\r\n\r\n")
                else:
                    with provider._lock:
                        if key not in {d["key"] for d in provider.deliveries}:
                            provider.deliveries.append({"key": key, "to": body["to"], "text": body["text"]})
                    self._answer(200, {"id": f"prov-{key}"})

            def _answer(self, status, payload):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(json.dumps(payload).encode())
                except OSError:
                    pass  # the client gave up (timed out) first

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def release(self) -> None:
        self.released.set()

    def delivered_to(self) -> list[str]:
        with self._lock:
            return [d["to"] for d in self.deliveries]

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_provider():
    provider = FakeSmsProvider()
    yield provider
    provider.stop()


# --- Omni processes -------------------------------------------------------------------------
def omni_env(**overrides: str) -> dict[str, str]:
    """The environment of an Omni process started by a test: the test database, nothing
    else inherited that would point it elsewhere."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "OMNI_", "PYTEST", "DJANGO_"))}
    env.update(
        DATABASE_URL=database_url(),
        DATABASE_POOL="0",
        DJANGO_SETTINGS_MODULE="omni.settings",
        DJANGO_DEBUG="1",
        DJANGO_LOG_LEVEL="INFO",
        OMNI_LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


class OmniProcess:
    """A process of Omni (gunicorn, a Celery worker) that a test starts and may SIGKILL."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.argv, self.env, self.log = argv, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> OmniProcess:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own entry points
            self.argv, env=self.env, cwd=BASE_DIR, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the process group this process leads (its own children, nobody else's)."""
        if self.alive():
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=15)
        self.process = None

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture
def omni_processes(tmp_path):
    """``start(kind, env)``: gunicorn (kind ``web``) or a Celery worker (``worker``); all
    killed at the end of the test."""
    started: list[OmniProcess] = []

    def start(kind: str, env: dict[str, str], name: str | None = None) -> OmniProcess:
        name = name or f"{kind}-{len(started)}"
        if kind == "web":
            port = free_port()
            argv = [str(VENV_BIN / "gunicorn"), "omni.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                    "--threads", "4", "--timeout", "60", "--graceful-timeout", "1"]
        else:
            port = 0
            argv = [str(VENV_BIN / "celery"), "-A", "omni", "worker", "--pool", "solo", "--loglevel", "INFO",
                    "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"{name}@faults"]
        process = OmniProcess(argv, env, tmp_path / f"{name}.log").start()
        process.port = port
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
