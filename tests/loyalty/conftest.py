import pytest

from loyalty.models import LoyaltyProgram
from tests.orders.conftest import catalogue, customer, level, pos, web  # noqa: F401 - shared fixtures


@pytest.fixture
def program(db):
    """Running: one point per 1.00 on every channel, 100 points (1.00) at a time, a year to spend them."""
    program = LoyaltyProgram.current()
    program.active = True
    program.save()
    return program
