"""Content-Security-Policy: every response carries the strict policy, the templates keep
nothing the policy would refuse, and only the Swagger UI page uses a nonce.
(tests/e2e/test_csp.py runs the pages in Chromium under it.)"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.customers import CustomerFactory

EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def directives(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


@pytest.mark.django_db
def test_pages_send_the_strict_policy(staff_client, client, store):
    staff = staff_client("admin", locations=[store])
    customer = CustomerFactory()
    for path in ["/", "/inventory/", "/customers/", f"/customers/{customer.pk}/", "/promotions/",
                 "/promotions/statistics/", "/orders/", "/orders/pickups/", "/journeys/"]:
        response = staff.get(path)
        assert response.status_code == 200, path
        assert directives(response) == EXPECTED, path
    assert directives(client.get("/login/")) == EXPECTED
    # htmx fragments and API answers carry it too.
    assert directives(staff.get("/customers/", headers={"HX-Request": "true"})) == EXPECTED
    assert directives(staff.get("/api/v1/locations/")) == EXPECTED


@pytest.mark.django_db
def test_swagger_ui_alone_gets_a_nonce_for_its_start_up_script(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    found = directives(response)
    nonces = [value for value in found["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1
    assert found["script-src"] - set(nonces) == {"'self'"}
    assert {k: v for k, v in found.items() if k != "script-src"} == {
        k: v for k, v in EXPECTED.items() if k != "script-src"
    }
    nonce = nonces[0][len("'nonce-"):-1]
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert "<style" not in html  # drf-spectacular's inline style is a static file here
    assert '"validatorUrl": null' in html  # no badge image from validator.swagger.io
    # A nonce is per response.
    assert directives(client.get("/api/docs/"))["script-src"] != found["script-src"]


def test_htmx_is_told_not_to_inject_styles_nor_to_eval():
    base = (settings.BASE_DIR / "templates" / "base.html").read_text()
    config = re.search(r"name=\"htmx-config\" content='([^']*)'", base).group(1)
    assert '"includeIndicatorStyles":false' in config
    assert '"allowEval":false' in config
    # Not allowScriptTags=false: htmx would then strip every <script> from swapped fragments,
    # json_script data islands included (the journeys charts read theirs after each swap).
    assert '"allowScriptTags":false' not in config
    css = (settings.BASE_DIR / "static" / "omni" / "omni.css").read_text()
    assert ".htmx-indicator" in css


def _templates() -> list[Path]:
    roots = [settings.BASE_DIR / "templates"] + [
        settings.BASE_DIR / app / "templates" for app in ("omni", "customers", "inventory", "promotions", "orders",
                                                         "journeys")
    ]
    return sorted(path for root in roots if root.exists() for path in root.rglob("*.html"))


INLINE = [
    (re.compile(r"\sstyle\s*="), "a style attribute"),
    (re.compile(r"<style[\s>]"), "a <style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an inline event handler"),
    (re.compile(r"\shx-on"), "hx-on (evaluated JavaScript)"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/json)[^>]*>"), "an inline script"),
]


def test_templates_hold_nothing_the_policy_refuses():
    found = []
    for path in _templates():
        text = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert _templates(), "no template found"
    assert not found, "\n".join(found)
