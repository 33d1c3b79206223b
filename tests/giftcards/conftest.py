from tests.orders.conftest import catalogue, customer, level, pos, web  # noqa: F401 - shared fixtures
