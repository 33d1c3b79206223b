"""Service transactions: all or nothing, with savepoints only where they can help.

Every service that writes is one transaction. Called from another service (or inside a
request that fails as a whole, see ``omni.idempotency``), it is part of the caller's
transaction, and a failure fails the caller too: a savepoint of its own would only cost
two more statements. So ``@service`` opens a savepoint only at the outermost service
level (where a caller outside services, a test or a management command, may catch the
error and go on); code that really recovers from a failure inside a service, such as
trying the next warehouse, says so with its own ``transaction.atomic()`` block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import transaction

_inside = ContextVar("omni_inside_service", default=False)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def all_or_nothing() -> Iterator[None]:
    """One transaction whose services open no savepoints: any failure rolls it all back."""
    nested = _inside.get()
    token = _inside.set(True)
    try:
        with transaction.atomic(savepoint=not nested):
            yield
    finally:
        _inside.reset(token)


def service(func: Callable[P, R]) -> Callable[P, R]:
    """``transaction.atomic`` for a service function (see the module's docstring)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with all_or_nothing():
            return func(*args, **kwargs)

    return wrapper
