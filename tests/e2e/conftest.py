"""Browser tests: Playwright drives Debian's Chromium (``playwright install`` cannot
download browsers here) against Django's live server.

Without chromium (``make test`` installs it where it can: scripts/ensure_chromium.sh) they
skip, saying what to run, and the rest of the suite still runs; CI sets
``OMNI_E2E_REQUIRED=1`` so that a missing browser fails instead.

``logged_in_page(role, locations=[...])`` returns a Playwright page already logged in
through the real login form.
"""

import os
import shutil

import pytest

from tests.factories.omni import StaffFactory

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous, so Django's async guard has to stand aside in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
E2E_PASSWORD = "e2e-password-1"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM:
        reason = "chromium is not installed: to run the browser tests, sudo apt-get install chromium"
        if os.environ.get("OMNI_E2E_REQUIRED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def logged_in_page(page, live_server, transactional_db):
    def login(role: str = "store_staff", locations=(), **fields):
        user = StaffFactory(role=role, locations=list(locations), password=E2E_PASSWORD, **fields)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(E2E_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        page.user = user
        return page

    return login
