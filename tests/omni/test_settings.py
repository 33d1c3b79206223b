import os
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
