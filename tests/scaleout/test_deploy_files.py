"""compose.yaml, the Dockerfile and gunicorn.conf.py agree with each other and with the app.

Docker is not needed: the files are read, and gunicorn's own loader reads the config.
"""

import json
import re
import subprocess
import sys

import yaml

from tests.scaleout.conftest import BASE_DIR, base_environment

OMNI_SERVICES = {"migrate", "web", "worker", "beat"}


def compose():
    return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())


def dockerfile_cmd() -> list[str]:
    line = next(line for line in (BASE_DIR / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return json.loads(line.removeprefix("CMD "))


def test_compose_has_every_process_and_exactly_one_beat():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis"} | OMNI_SERVICES
    beat = services["beat"]
    assert beat["command"][:4] == ["celery", "-A", "omni", "beat"]
    assert beat["deploy"]["replicas"] == 1
    assert services["worker"]["command"][:4] == ["celery", "-A", "omni", "worker"]
    assert services["web"]["command"] == dockerfile_cmd() == ["gunicorn", "--config", "gunicorn.conf.py", "omni.wsgi"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"


def test_app_processes_start_after_the_migration_on_healthy_services():
    services = compose()["services"]
    for name in OMNI_SERVICES - {"migrate"}:
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, name
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_secrets_come_only_from_the_environment():
    services = compose()["services"]
    for name in OMNI_SERVICES:
        environment = services[name]["environment"]
        assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?"), name
        assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"], name
        assert environment["DJANGO_DEBUG"] == "0"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    # Tasks and beat read the primary: a task runs right after the commit that queued it.
    assert services["worker"]["environment"]["DATABASE_REPLICA_URL"] == ""
    assert services["beat"]["environment"]["DATABASE_REPLICA_URL"] == ""
    ignored = (BASE_DIR / ".dockerignore").read_text().splitlines()
    assert {".env", ".git", ".venv"} <= set(ignored)


def test_the_image_runs_as_a_user_and_collects_static_files_at_build():
    text = (BASE_DIR / "Dockerfile").read_text()
    assert re.search(r"^USER omni$", text, re.MULTILINE)
    assert "manage.py collectstatic --noinput" in text
    assert "DJANGO_DEBUG=0" in text


GUNICORN_CONFIG = """
import json
import os
from gunicorn.config import Config
from gunicorn.app.base import Application

class Probe(Application):
    def init(self, parser, opts, args):
        pass
    def load(self):
        pass

app = Probe.__new__(Probe)
app.cfg = Config()
app.load_config_from_file("gunicorn.conf.py")
if os.environ.get("CLI_THREADS"):  # as --threads on the command line would
    app.cfg.set("threads", int(os.environ["CLI_THREADS"]))

class Server:
    cfg = app.cfg

app.cfg.on_starting(Server())
print(json.dumps({
    "workers": app.cfg.workers, "threads": app.cfg.threads, "worker_class": app.cfg.worker_class_str,
    "timeout": app.cfg.timeout, "bind": app.cfg.bind, "max_requests": app.cfg.max_requests,
    "pool": [os.environ.get("DATABASE_POOL_MIN"), os.environ.get("DATABASE_POOL_MAX")],
}))
"""


def gunicorn_settings(**environment) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", GUNICORN_CONFIG], cwd=BASE_DIR, env=base_environment(**environment),
        capture_output=True, text=True, timeout=30, check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_gunicorn_reads_processes_threads_and_timeouts_from_the_environment():
    threaded = gunicorn_settings(WEB_CONCURRENCY="3", GUNICORN_THREADS="8", GUNICORN_TIMEOUT="45",
                                 GUNICORN_BIND="0.0.0.0:9000", GUNICORN_MAX_REQUESTS="0")
    assert threaded == {"workers": 3, "threads": 8, "worker_class": "gthread", "timeout": 45,
                        "bind": ["0.0.0.0:9000"], "max_requests": 0, "pool": ["1", "8"]}
    plain = gunicorn_settings(WEB_CONCURRENCY="2", DATABASE_POOL_MAX="5")
    assert (plain["worker_class"], plain["threads"], plain["bind"]) == ("sync", 1, ["127.0.0.1:8000"])
    assert plain["pool"] == ["1", "5"]  # an explicit pool size wins
    assert plain["max_requests"] == 0
    assert gunicorn_settings(CLI_THREADS="3")["pool"] == ["1", "3"]  # threads from the command line count
