"""A newcomer's first ten minutes: `make run` serves the demo after a short, quiet summary,
and `make test` runs on a machine without chromium (installing it where it can).

The `make run` test runs the real target on a fresh SQLite file and a free port; the
chromium step is run with a PATH of fake `id`, `apt-get` and `chromium` commands, so that
neither this machine's browser nor its packages are touched.
"""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from django.core import mail
from django.http import HttpResponse
from django.urls import include, path

from omni import console
from omni.sms import ConsoleSmsBackend, Sms, get_sms_backend

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure_chromium.sh"
BASH = "/bin/bash"
# The shapes that must never reach the console: a French mobile in any of its spellings,
# and a pickup code (six digits alone).
PHONE = re.compile(r"(?:\+33|0033|\b0)[67](?:[ .-]?\d{2}){4}\b")
SIX_DIGITS = re.compile(r"(?<![\w-])\d{6}(?![\w-])")


def _newcomer_env(tmp_path: Path, **extra) -> dict:
    """The environment of a fresh clone: no .env choices, no services, console backends."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OMNI_", "DJANGO_", "CELERY_"))}
    for key in ("DATABASE_URL", "CACHE_URL", "EMAIL_BACKEND", "DATABASE_REPLICA_URL", "SENTRY_DSN"):
        env.pop(key, None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EMAIL_BACKEND="omni.console.ConsoleEmailBackend",
        OMNI_SMS_BACKEND="omni.sms.ConsoleSmsBackend",
        SQLITE_TEST_DB=str(tmp_path / "test-db.sqlite3"),
        **extra,
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- make run -----------------------------------------------------------------------------


def test_make_run_serves_the_demo_after_fewer_than_40_quiet_lines(tmp_path):
    make = shutil.which("make")
    if make is None:
        pytest.skip("needs make")
    port = _free_port()
    server = subprocess.Popen(
        # -o: the virtualenv is this one, already installed.
        [make, "--no-print-directory", "-o", ".venv/.installed", "run", f"PORT={port}"],
        cwd=ROOT, env=_newcomer_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 240
        for line in server.stdout:
            if "Starting development server" in line:
                break
            lines.append(line.rstrip("\n"))
            assert time.monotonic() < deadline, "\n".join(lines)
        else:
            pytest.fail("make run stopped before serving:\n" + "\n".join(lines))
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:  # noqa: S310
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server never answered /login/")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server.stdout.close()

    output = "\n".join(lines)
    assert len(lines) < 40, output
    assert "Demo data ready" in output and f"http://127.0.0.1:{port}/" in output
    assert "staff.paris" in output and "omni-demo" in output and "omni_demo_pos_paris" in output
    assert not PHONE.search(output), output
    assert not SIX_DIGITS.search(output), output
    assert "--- SMS" not in output and "--- E-mail" not in output
    assert "warning" not in output.lower(), output  # kombu's "No hostname was supplied" among others

    # Quiet is not lost: the demo's messages went through the outbox and were all sent.
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        statuses = dict(database.execute("SELECT status, COUNT(*) FROM omni_message GROUP BY status").fetchall())
    assert statuses.get("sent", 0) > 100 and set(statuses) == {"sent"}, statuses


# --- console backends ---------------------------------------------------------------------


def send_both_view(request):
    get_sms_backend().send(Sms(to="+33612345678", body="Your order OM-ABC234 is ready. Pickup code: 483920.",
                               reference="msg-served"))
    mail.send_mail("Order OM-ABC234 is ready", "Pickup code: 483920. Call us on 01 42 60 01 01.",
                   "Omni <no-reply@omni.localhost>", ["jeremy.martin@example.fr"])
    return HttpResponse("sent")


urlpatterns = [path("probe/send/", send_both_view), path("", include("omni.urls"))]


@pytest.fixture
def console_backends(settings, monkeypatch):
    # A test that started a Celery worker in this process (tests/omni/test_broker.py) left
    # it marked as a worker: this process is a test runner again.
    monkeypatch.setattr(console, "_in_worker", False)
    settings.OMNI_SMS_BACKEND = "omni.sms.ConsoleSmsBackend"
    settings.EMAIL_BACKEND = "omni.console.ConsoleEmailBackend"


def test_the_console_backends_print_nothing_outside_a_served_request(console_backends, capsys):
    assert not console.is_serving()
    send_both_view(None)
    assert capsys.readouterr().out == ""


@pytest.mark.urls("tests.omni.test_first_run")
def test_while_serving_they_print_a_masked_copy(console_backends, client, capsys):
    assert client.get("/probe/send/").status_code == 200
    printed = capsys.readouterr().out
    assert "--- SMS to +33*******78 ---" in printed
    assert "--- E-mail to ***@example.fr: Order OM-ABC234 is ready ---" in printed
    assert printed.count("Pickup code: ******.") == 2 and "OM-ABC234" in printed
    for secret in ("483920", "+33612345678", "jeremy.martin", "01 42 60 01 01"):
        assert secret not in printed
    assert not console.is_serving()  # the request is over


def test_a_celery_worker_is_serving(monkeypatch):
    monkeypatch.setattr(console, "_in_worker", False)
    console._worker_started()
    assert console.is_serving()


def test_phone_masks_keep_only_the_country_and_two_digits():
    assert console.mask_phone("+33612345678") == "+33*******78"
    assert console.mask_phone("0612345678") == "********78"
    assert console.mask_email("jeremy@example.fr") == "***@example.fr"
    assert ConsoleSmsBackend().send(Sms(to="+33612345678", body="x", reference="r1")) == "console-r1"


# --- warnings a newcomer cannot act on ----------------------------------------------------


def test_without_a_broker_celery_uses_the_in_process_transport(settings):
    """Inline tasks still take a producer; without a URL kombu would warn about amqp://localhost."""
    from omni.celery import app

    if settings.CELERY_BROKER_URL:
        pytest.skip("a broker is configured")
    assert app.conf.broker_url == "memory://localhost/"
    assert settings.CELERY_TASK_ALWAYS_EAGER


def test_the_license_is_an_spdx_expression():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "AGPL-3.0-or-later"
    assert project["build-system"]["requires"] == ["setuptools>=77"]


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client):
    page = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/omni/favicon.ico"' in page
    assert 'href="/static/omni/favicon.svg" type="image/svg+xml"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/omni/favicon.ico"
    assert (ROOT / "static" / "omni" / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


# --- make test without chromium -----------------------------------------------------------


def _fake_bin(tmp_path: Path, *, uid: int, apt_get: str | None = None, chromium: bool = False) -> Path:
    """A PATH of its own: `id -u` answers ``uid``; `apt-get` logs its calls and then runs
    ``apt_get`` ("install": put a chromium on PATH, "fail": exit 100)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)

    def command(name: str, body: str) -> None:
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)

    command("id", f"echo {uid}")
    if chromium:
        command("chromium", "echo Chromium 999")
    if apt_get:
        install = (
            f"printf '#!/bin/sh\\necho Chromium 999\\n' > {bin_dir}/chromium; /bin/chmod +x {bin_dir}/chromium"
            if apt_get == "install" else "exit 100"
        )
        command("apt-get", f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> {tmp_path}/apt.log\n'
                           f'[ "$1" = install ] && {{ {install}; }}\nexit 0')
    return bin_dir


def _ensure(bin_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BASH, str(SCRIPT), *args], env={"PATH": str(bin_dir)}, capture_output=True, text=True, timeout=30
    )


def _said(run: subprocess.CompletedProcess) -> list[str]:
    return (run.stdout + run.stderr).splitlines()


def test_chromium_on_path_means_nothing_to_do(tmp_path):
    bin_dir = _fake_bin(tmp_path, uid=0, apt_get="install", chromium=True)
    run = _ensure(bin_dir)
    assert run.returncode == 0 and _said(run) == []
    assert not (tmp_path / "apt.log").exists()


@pytest.mark.parametrize(("uid", "apt_get", "why"), [
    (1000, "install", "only root can install it"),
    (0, None, "this machine has no apt-get"),
])
def test_without_a_way_to_install_it_one_line_says_what_to_run(tmp_path, uid, apt_get, why):
    bin_dir = _fake_bin(tmp_path, uid=uid, apt_get=apt_get)
    run = _ensure(bin_dir)
    assert run.returncode == 0  # the other tests still run
    assert len(_said(run)) == 1
    assert why in run.stderr and "sudo apt-get install chromium" in run.stderr and "skipped" in run.stderr
    assert not (tmp_path / "apt.log").exists()
    assert _ensure(bin_dir, "--required").returncode == 1  # CI


def test_root_with_apt_get_installs_it_once(tmp_path):
    bin_dir = _fake_bin(tmp_path, uid=0, apt_get="install")
    first = _ensure(bin_dir)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "apt.log").read_text().splitlines() == [
        "DEBIAN_FRONTEND= update -qq",
        "DEBIAN_FRONTEND=noninteractive install -y -qq chromium",
    ]
    again = _ensure(bin_dir)
    assert again.returncode == 0 and _said(again) == []
    assert len((tmp_path / "apt.log").read_text().splitlines()) == 2  # not run again


def test_an_install_that_fails_still_lets_the_tests_run(tmp_path):
    bin_dir = _fake_bin(tmp_path, uid=0, apt_get="fail")
    run = _ensure(bin_dir)
    assert run.returncode == 0
    assert "apt-get could not install it" in run.stderr and len(run.stderr.splitlines()) == 1
    assert _ensure(bin_dir, "--required").returncode == 1


def test_make_test_and_ci_share_the_step():
    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest: install\n", 1)[1].split("\n\n", 1)[0]
    ci = (ROOT / ".ci" / "run").read_text()
    for script in ("scripts/ensure_chromium.sh", "scripts/ensure_gettext.sh"):
        assert test_recipe.index(script) < test_recipe.index("pytest")
        assert f"{script} --required" in ci
    assert "apt-get install" not in ci


def test_browser_tests_skip_with_the_advice_when_chromium_is_missing(tmp_path):
    """What `make test` does on such a machine: the browser tests skip, the run passes."""
    env = _newcomer_env(tmp_path, PATH=str(_fake_bin(tmp_path, uid=1000)))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "tests/e2e/test_shell.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "skipped" in run.stdout and "passed" not in run.stdout and "failed" not in run.stdout
    assert "sudo apt-get install chromium" in run.stdout
