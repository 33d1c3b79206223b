"""Operators' view: request ids in logs and through Celery, no personal data in logs,
/metrics behind an allow-list or a token, Sentry wired only with a DSN.

Log lines are captured with a handler that uses the project's own JSON formatter, so the
assertions read what production would write (the suite runs with ``-p no:logging``).
"""

import json
import logging
import os
import subprocess
import sys
import time
import uuid

import pytest
import structlog
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from omni import celery_app
from omni.observability import mask_personal_data, mask_text
from tests.factories.omni import StaffFactory

probe_logger = structlog.get_logger("tests.observability")


@celery_app.task(name="tests.omni.test_observability.probe_task")
def probe_task(marker):
    probe_logger.info("probe_task_ran", marker=marker)


def queue_probe_view(request):
    marker = request.GET.get("marker", "")
    probe_logger.info("probe_view_ran", marker=marker)
    probe_task.delay(marker)
    return HttpResponse("queued")


urlpatterns = [
    path("probe/queue/", queue_probe_view),
    path("", include("omni.urls")),
]


class _Collect(logging.Handler):
    def __init__(self, formatter):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter)
        self.lines: list[str] = []
        self.raw: list[str] = []

    def emit(self, record):
        self.raw.append(f"{record.msg!r} {record.args!r}")
        self.lines.append(self.format(record))

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def log_lines():
    """Every log record of the test, rendered by the production JSON formatter."""
    config = dict(settings.LOGGING["formatters"]["json"])
    formatter = config.pop("()")(**config)
    handler = _Collect(formatter)
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


# --- request id ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_id_is_generated_and_returned():
    response = Client().get("/healthz")
    assert uuid.UUID(response["X-Request-ID"])
    assert Client().get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


@pytest.mark.django_db
def test_an_incoming_request_id_is_echoed():
    response = Client().get("/healthz", headers={"X-Request-ID": "lb-2f6c1e0a-42"})
    assert response["X-Request-ID"] == "lb-2f6c1e0a-42"


@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced_not_logged(log_lines):
    response = Client().get("/healthz", headers={"X-Request-ID": 'x" injected=1 ' + "a" * 200})
    assert uuid.UUID(response["X-Request-ID"])
    assert not any("injected" in line for line in log_lines.lines)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_log_lines_of_a_request_carry_its_request_id(log_lines):
    response = Client().get("/probe/queue/", {"marker": "m1"}, headers={"X-Request-ID": "req-view-1"})
    assert response["X-Request-ID"] == "req-view-1"
    events = log_lines.events()
    view_events = [event for event in events if event["event"] == "probe_view_ran"]
    assert [event["request_id"] for event in view_events] == ["req-view-1"]
    finished = [event for event in events if event["event"] == "request_finished"]
    assert finished[0]["request_id"] == "req-view-1"
    assert finished[0]["request"] == "GET /probe/queue/"  # never the query string


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_task_queued_by_a_request_logs_the_same_request_id(log_lines):
    response = Client().get("/probe/queue/", {"marker": "m2"})
    task_events = [event for event in log_lines.events() if event["event"] == "probe_task_ran"]
    assert len(task_events) == 1
    assert task_events[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls(__name__)
@pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (CI runs it on Redis)")
@pytest.mark.xdist_group("broker")  # a consumer on the shared queue: as in tests/omni/test_broker.py
def test_a_task_run_by_a_real_worker_logs_the_request_id_of_the_request(log_lines):
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # The worker's setup_logging applies settings.LOGGING again, which resets the root's handlers.
            if log_lines not in logging.getLogger().handlers:
                logging.getLogger().addHandler(log_lines)
            logging.getLogger().setLevel(logging.INFO)
            response = Client().get("/probe/queue/", {"marker": "m3"}, headers={"X-Request-ID": "req-worker-3"})
            deadline = time.monotonic() + 15
            task_events: list[dict] = []
            while time.monotonic() < deadline and not task_events:
                time.sleep(0.1)
                task_events = [e for e in log_lines.events() if e["event"] == "probe_task_ran" and e["marker"] == "m3"]
    finally:
        celery_app.conf.task_always_eager = True
    assert response["X-Request-ID"] == "req-worker-3"
    assert task_events, "the worker never ran the task"
    assert task_events[0]["request_id"] == "req-worker-3"
    assert task_events[0]["task_id"]


# --- personal data ------------------------------------------------------------------------


def test_the_masking_processor_masks_emails_and_phone_numbers():
    event = mask_personal_data(None, "info", {
        "event": "contact jeremy@example.fr or +33612345678",
        "email": "jeremy@example.fr",
        "nested": {"phones": ["+33612345678", "06 12 34 56 78", "0033 6 12 34 56 78"]},
        "password": "hunter2-wrong",
        "request_id": "0d8b9c2e-1234-4abc-9def-001234567890",
        "code": 200,
    })
    rendered = json.dumps(event)
    for secret in ("jeremy@example.fr", "+33612345678", "06 12 34 56 78", "hunter2-wrong"):
        assert secret not in rendered
    assert event["event"] == "contact [email] or [phone]"
    assert event["request_id"] == "0d8b9c2e-1234-4abc-9def-001234567890"
    assert event["code"] == 200


def test_masking_leaves_ids_dates_and_addresses_alone():
    for text in ("2026-11-23T00:12:34.567Z", "order C-2026-000123", "10.1.2.3", "duration 1234 ms"):
        assert mask_text(text) == text


@pytest.mark.django_db
def test_personal_data_in_a_log_call_is_masked_in_the_output(log_lines):
    logging.getLogger("tests.observability").warning("customer %s / %s", "jeremy@example.fr", "+33612345678")
    probe_logger.info("customer_found", email="jeremy@example.fr", phone="+33612345678")
    output = "\n".join(log_lines.lines)
    assert "jeremy@example.fr" not in output and "+33612345678" not in output
    assert output.count("[email]") == 2 and output.count("[phone]") == 2


def test_personal_data_in_a_traceback_is_masked_too(log_lines):
    """The traceback's text exists only once the line is formatted: it is masked then."""
    for logger in (logging.getLogger("tests.observability"), probe_logger):
        try:
            raise ValueError("no customer jeremy@example.fr at +33612345678")
        except ValueError:
            logger.exception("lookup_failed")
    lines = log_lines.events()
    assert len(lines) == 2 and all("ValueError" in line["exception"] for line in lines)
    assert all("[email] at [phone]" in line["exception"] for line in lines)
    assert "jeremy@example.fr" not in "\n".join(log_lines.lines)


@pytest.mark.django_db
def test_a_failed_login_never_logs_the_password(log_lines):
    StaffFactory(username="jeremy.staff")
    wrong = "Wr0ng-Pa55word-7d1c"
    response = Client().post("/login/", {"username": "jeremy.staff", "password": wrong})
    assert response.status_code == 200  # the form again, with an error
    assert log_lines.lines, "nothing was logged: the check below would prove nothing"
    assert any("jeremy.staff" in line for line in log_lines.lines)  # axes logs the username
    assert not any(wrong in line for line in log_lines.lines + log_lines.raw)


def test_the_console_sms_backend_logs_neither_number_nor_text(log_lines, capsys):
    from omni.sms import ConsoleSmsBackend, Sms

    ConsoleSmsBackend().send(Sms(to="+33612345678", body="Your pickup code is 483920", reference="msg-1"))
    output = "\n".join(log_lines.lines + log_lines.raw)
    assert "msg-1" in output
    assert "+33612345678" not in output and "483920" not in output


# --- metrics ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_answer_the_local_address():
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests" in response.content


@pytest.mark.django_db
def test_metrics_refuse_other_addresses_and_proxied_requests():
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert Client().get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403


@pytest.mark.django_db
def test_metrics_accept_the_bearer_token_when_set(settings):
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3", headers={"Authorization": "Bearer "}).status_code == 403
    settings.OMNI_METRICS_TOKEN = "scrape-token-1234567890"
    ok = Client().get("/metrics", REMOTE_ADDR="10.1.2.3", headers={"Authorization": "Bearer scrape-token-1234567890"})
    assert ok.status_code == 200
    wrong = Client().get("/metrics", REMOTE_ADDR="10.1.2.3", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403


@pytest.mark.django_db
def test_metrics_allow_list_takes_networks(settings):
    settings.OMNI_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert Client().get("/metrics").status_code == 403


# --- Sentry -------------------------------------------------------------------------------


@pytest.mark.skipif(bool(os.environ.get("SENTRY_DSN")), reason="SENTRY_DSN is set in this environment")
def test_sentry_is_off_without_a_dsn():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()


def test_sentry_is_wired_with_a_dsn():
    script = (
        "import json, sentry_sdk; c = sentry_sdk.get_client(); o = c.options; "
        "print(json.dumps([c.is_active(), o['environment'], o['send_default_pii'], o['traces_sample_rate'], "
        "sorted(c.integrations)]))"
    )
    env = {
        **os.environ, "SENTRY_DSN": "https://public@sentry.invalid/1", "SENTRY_ENVIRONMENT": "staging",
        "SENTRY_TRACES_SAMPLE_RATE": "0.25",
    }
    result = subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "shell", "-c", script],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    active, environment, pii, rate, integrations = json.loads(result.stdout.strip().splitlines()[-1])
    assert (active, environment, pii, rate) == (True, "staging", False, 0.25)
    assert {"django", "celery"} <= set(integrations)
