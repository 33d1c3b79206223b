"""The rate limit holds across processes: three gunicorn processes, no shared cache
configured (``CACHE_URL`` unset), a limit of 10 requests a minute for one client: 30
requests spread over the processes let exactly 10 through, the others get 429 with
``Retry-After``. Counted per process, 30 would have gone through."""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from collections import Counter

import pytest

from tests.concurrency import race
from tests.factories.omni import make_api_client
from tests.scaleout.conftest import BIN, base_environment, database_url, free_port, wait_for

pytestmark = pytest.mark.postgres_only

LIMIT = 10
REQUESTS = 30
WEB_PROCESSES = 3


def status_of(port: int, token: str) -> tuple[int, str | None]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/locations/",
                                     headers={"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own 127.0.0.1
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")


def served_by(access_log) -> set[str]:
    """The gunicorn processes that answered, from the access log ('<pid> <status>' lines)."""
    lines = access_log.read_text().splitlines() if access_log.exists() else []
    return {line.split()[0] for line in lines if line.strip()}


@pytest.mark.django_db(transaction=True)
def test_the_rate_limit_is_one_for_every_process(processes, tmp_path):
    _client, token = make_api_client("web")
    _warm, warm_token = make_api_client("web")
    port = free_port()
    access_log = tmp_path / "access.log"
    environment = base_environment(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        DATABASE_POOL_MIN="1",
        DATABASE_POOL_MAX="2",
        OMNI_API_SHOP_THROTTLE_RATE=f"{LIMIT}/m",  # a web client's
        OMNI_COUNTER_FILE=str(tmp_path / "counters.sqlite3"),
    )
    processes.start("web", [
        str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
        "--workers", str(WEB_PROCESSES), "--access-logfile", str(access_log),
        "--access-logformat", "%(p)s %(s)s", "omni.wsgi",
    ], environment)

    def every_process_answered():
        race(6, lambda n: status_of(port, warm_token))
        return len(served_by(access_log)) >= WEB_PROCESSES

    try:
        wait_for(every_process_answered, timeout=45, interval=0.5, what="three gunicorn processes")
    except BaseException:
        print(processes.log_tails())  # noqa: T201 - shown by pytest on failure
        raise
    access_log.write_text("")

    answers = race(REQUESTS, lambda n: status_of(port, token))

    assert Counter(status for status, _retry in answers) == {200: LIMIT, 429: REQUESTS - LIMIT}, answers
    assert all(int(retry) >= 1 for status, retry in answers if status == 429)
    assert len(served_by(access_log)) > 1, "the requests were not spread over the processes"
