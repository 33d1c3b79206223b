"""Real threads racing, for the tests of invariants under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def race(count: int, work: Callable[[int], object], *, timeout: float = 60) -> list:
    """Run ``work(0)`` ... ``work(count - 1)`` in ``count`` threads released together, and
    return their outcomes in that order: what ``work`` returned, or the exception it raised.
    Each thread closes its own database connection, so that the test database can go."""
    start = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(n: int) -> None:
        try:
            start.wait(timeout=30)
            outcomes[n] = work(n)
        except Exception as exc:  # noqa: BLE001 - an outcome like any other, asserted by the test
            outcomes[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
