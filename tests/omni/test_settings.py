import json
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings

from omni.money import MoneyField, to_money

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return {**env, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "omni.example.com", **extra}


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run([*MANAGE, "check"], env=production_env(), capture_output=True, text=True)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_deploy_check_is_clean_with_production_variables():
    env = production_env(DJANGO_SECRET_KEY="x" * 20 + "-production-secret-" + "y" * 30)
    result = subprocess.run([*MANAGE, "check", "--deploy", "--fail-level", "WARNING"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout


def test_no_atomic_requests():
    assert not settings.DATABASES["default"].get("ATOMIC_REQUESTS")


@pytest.mark.parametrize(("raw", "expected"), [
    ("2.675", "2.68"), ("2.665", "2.67"), ("0.005", "0.01"), ("-1.005", "-1.01"), (3, "3.00"), ("19.9", "19.90"),
])
def test_money_rounds_half_up(raw, expected):
    assert to_money(raw) == Decimal(expected)


def test_money_refuses_floats_and_nonsense():
    with pytest.raises(TypeError):
        to_money(19.9)
    for bad in ("abc", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            to_money(bad)


def test_money_field_rounds_half_up_not_half_even():
    assert MoneyField().to_representation(Decimal("2.665")) == "2.67"
    assert MoneyField().to_representation(Decimal("2.675")) == "2.68"


def test_production_cookies_and_headers():
    """Production settings, loaded as gunicorn would: secure __Host- cookies, explicit
    SameSite, the opener policy and the same Content-Security-Policy as development."""
    env = production_env(DJANGO_SECRET_KEY="x" * 20 + "-production-secret-" + "y" * 30,
                         DJANGO_SETTINGS_MODULE="omni.settings")
    names = [
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SAMESITE",
        "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN",
        "SESSION_COOKIE_PATH", "CSRF_COOKIE_PATH", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "X_FRAME_OPTIONS", "MIDDLEWARE",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from csp.utils import build_policy; "
        f"print(json.dumps({{**{{n: getattr(settings, n) for n in {names!r}}}, 'CSP': build_policy()}}))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout.strip().splitlines()[-1])
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["LANGUAGE_COOKIE_SECURE"] and production["SESSION_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["LANGUAGE_COOKIE_SAMESITE"] == "Lax"
    # __Host- cookies: the browser keeps them only if Secure, on / and without a Domain.
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["SESSION_COOKIE_DOMAIN"] is None and production["CSRF_COOKIE_DOMAIN"] is None
    assert production["SESSION_COOKIE_PATH"] == production["CSRF_COOKIE_PATH"] == "/"
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert production["SECURE_SSL_REDIRECT"] and production["SECURE_HSTS_SECONDS"] >= 31536000
    # ...except the load balancer's plain-HTTP health check (SecurityMiddleware matches the
    # path without its leading slash).
    assert any(re.search(pattern, "healthz") for pattern in production["SECURE_REDIRECT_EXEMPT"])
    assert not any(re.search(pattern, "api/v1/orders/") for pattern in production["SECURE_REDIRECT_EXEMPT"])
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert "csp.middleware.CSPMiddleware" in production["MIDDLEWARE"]
    policy = dict(part.strip().split(" ", 1) for part in production["CSP"].split(";"))
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in production["CSP"]


def test_development_keeps_plain_cookie_names():
    # Over plain http (runserver, the browser tests) a browser would drop __Host- cookies.
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    assert settings.CSRF_COOKIE_NAME == "csrftoken"
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
