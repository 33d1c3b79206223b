"""gunicorn settings, from the environment (``gunicorn -c gunicorn.conf.py omni.wsgi``).

| variable | default | meaning |
|---|---|---|
| ``GUNICORN_BIND`` | ``127.0.0.1:8000`` | address to listen on (the container image sets ``0.0.0.0:8000``) |
| ``WEB_CONCURRENCY`` | 2 × CPUs + 1 | worker processes |
| ``GUNICORN_THREADS`` | 1 | threads per process; above 1 the ``gthread`` worker is used |
| ``GUNICORN_TIMEOUT`` | 60 | seconds before a silent worker is killed (keep above the statement timeout) |
| ``GUNICORN_GRACEFUL_TIMEOUT`` | 30 | seconds a worker has to finish its requests on restart or stop |
| ``GUNICORN_KEEPALIVE`` | 5 | seconds an idle keep-alive connection stays open (gthread only) |
| ``GUNICORN_MAX_REQUESTS`` | 0 | replace a worker after this many requests (0: never), against slow leaks |
| ``GUNICORN_MAX_REQUESTS_JITTER`` | 100 | so that workers are not all replaced at once |
| ``GUNICORN_WORKER_TMP_DIR`` | system default | heartbeat files; ``/dev/shm`` in a container |
| ``GUNICORN_ACCESS_LOG`` | off | ``-`` for gunicorn's access log on stdout; Django logs every request anyway |
| ``GUNICORN_CONTROL_SOCKET`` | off | path of gunicorn's control socket (``gunicornc``), when wanted |

Each worker process has its own PostgreSQL connection pool, and a thread holds at most one
connection per database while it serves a request: unless ``DATABASE_POOL_MAX`` is set, the
pool is sized to the threads of one process, so that the instance opens at most
processes × threads connections (docs/operations.md has the arithmetic).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8000"
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn 24+ opens a control socket under $HOME by default: unwritable for the image's
# user, and shared by every gunicorn of one user on a host. On only when asked for.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True
# Workers import Django after the fork: each opens its own connections and pool.
preload_app = False


def on_starting(server):
    """Size each worker's pool to its threads (after command-line flags: ``--threads`` counts).

    The master runs this before forking; omni/settings.py reads the variables in each worker.
    """
    os.environ.setdefault("DATABASE_POOL_MAX", str(max(1, server.cfg.threads)))
    os.environ.setdefault("DATABASE_POOL_MIN", "1")


def child_exit(server, worker):
    """With several processes, /metrics sums their files: a dead worker's live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
