"""No dead ends: every link a demo login is shown, on every page it can reach from the
dashboard, opens a page for it (never a 403, a 404 or an error). A link a role cannot use
is a link it must not see."""

import re
from collections import deque
from html import unescape
from io import StringIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from omni.seed import DEMO_PASSWORD, STAFF

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"', re.I)
# Not pages: leaving, downloads, the API and its documentation, Django's own admin (its
# links are Django's), and the language switch (a form, not a link).
SKIPPED = re.compile(r"^/(logout|api/|admin/|static/|media/|metrics|i18n/)|\.(csv|svg|pdf)$|/export/|/codes/export")
MAX_PAGES = 120  # per login: every kind of page is reached well before (a list, one of its rows, ...)


def _crawl(client: Client) -> dict[str, tuple[int, str]]:
    """Every page reachable from the dashboard by links: path -> (status, the page it was found on)."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque([("/", "(start)")])
    kinds: dict[str, int] = {}
    while queue and len(seen) < MAX_PAGES:
        url, found_on = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, follow=True)
        seen[url] = (response.status_code, found_on)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            link = urldefrag(unescape(href))[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or SKIPPED.search(parts.path):
                continue
            # A few of each kind of page: /orders/OM-1/, /orders/OM-2/ ... are one kind.
            kind = re.sub(r"/[^/]*\d[^/]*(?=/|$)", "/N", parts.path)
            kinds[kind] = kinds.get(kind, 0) + 1
            if kinds[kind] <= 3 and link not in seen:
                queue.append((link, url))
    return seen


def _logged_in(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_every_link_a_login_sees_opens_a_page():
    call_command("seed_demo", stdout=StringIO())  # inside the test's transaction: rolled back
    dead = {}
    for username, *_rest in STAFF:
        pages = _crawl(_logged_in(username))
        assert len(pages) >= 8, (username, pages)  # it did walk the staff UI
        dead.update({(username, url): found for url, found in pages.items() if found[0] != 200})
    assert not dead, f"links shown to a login that cannot use them: {dead}"

    # The agent works at no location: a board would be empty, so it is neither shown nor
    # served (an administrator, who acts everywhere, keeps it).
    agent, admin = _logged_in("agent"), _logged_in("admin")
    assert "/orders/pickups/" not in agent.get("/").content.decode()
    assert agent.get("/orders/pickups/").status_code == 403
    assert "/orders/pickups/" in admin.get("/").content.decode()


# --- the French UI ----------------------------------------------------------------------------
def _visible_text(html: str) -> str:
    # Scripts and styles are not text; <code> is what staff type as it is (a rule's syntax, a SKU).
    html = re.sub(r"<(script|style|code)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _english_phrases() -> set[str]:
    """The catalogue's phrases (three words or more) whose French differs: on a French
    page, any of them is English left untranslated."""
    import polib

    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.po"))
    return {
        entry.msgid
        for entry in catalogue.translated_entries()
        if "%" not in entry.msgid and "{" not in entry.msgid and len(entry.msgid.split()) >= 3
        and entry.msgstr != entry.msgid
    }


RAW_CODES = [
    re.compile(r"\d+\.\d{2} EUR"),  # an amount as Python writes it, not as French does (21,52 €)
    re.compile(r"\b(call_centre|click_and_collect|store_staff|store_manager|ship_from_store)\b"),
]


def test_the_french_ui_shows_no_english_and_no_raw_code():
    call_command("seed_demo", stdout=StringIO())
    english = _english_phrases()
    found = {}
    for username, *_rest in STAFF:
        client = _logged_in(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        for url in _crawl(client):
            text = _visible_text(client.get(url, follow=True).content.decode())
            leaks = [phrase for phrase in english if phrase in text]
            leaks += [match.group(0) for pattern in RAW_CODES for match in pattern.finditer(text)]
            if leaks:
                found[(username, url)] = sorted(set(leaks))[:5]
    assert not found, f"English or raw codes on French pages: {found}"
