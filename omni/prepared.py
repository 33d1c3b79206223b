"""ORM reads whose SQL is built once per process, then run with each call's values.

The availability reads are the website's and the terminals' hottest requests. Building
their query (``StockLevelQuerySet.with_available`` and its correlated subquery) costs
Python about a millisecond, twenty times what the database takes to run it (measured by
``bench/stock.py``). The statement never changes, only its values, so a ``PreparedRead``
asks the ORM for it once, with stand-in values, and afterwards runs that SQL with the real
ones: the rule stays written once, in the queryset, and the read costs what raw SQL costs.

Only for a handful of measured hot reads; everything else builds its queryset per call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet

MAX_STATEMENTS = 256  # per read: one per shape (list lengths, windows) actually asked for


class Slot(NamedTuple):
    """Where a statement's parameter comes from: the call's value ``name`` (its ``item``
    for a list)."""

    name: str
    item: int | None = None
    integer_type: type[int] = int  # psycopg's Int4 where the ORM typed the parameter

    def value(self, values: dict[str, Any]) -> Any:
        value = values[self.name]
        value = _adapt(value if self.item is None else value[self.item])
        return self.integer_type(value) if isinstance(value, int) else value


class PreparedRead:
    """``build(**values)`` returns a ``values_list`` queryset; ``rows(**values)`` its rows.

    ``values`` are ints, strings, aware datetimes or lists of strings (an ``IN``: the
    statement is built per list length). ``window=(start, stop)`` slices the queryset
    (the ORM writes LIMIT and OFFSET into the SQL text, so each window is its own shape).
    Rows are what the database driver returns: ints and strings as such, booleans as 0/1
    on SQLite.
    """

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        self.statements: dict[Hashable, tuple[str, list[Any]]] = {}

    def rows(self, *, window: tuple[int, int] | None = None, **values: Any) -> list[tuple]:
        shape = (connection.vendor, window, *((name, _shape(value)) for name, value in sorted(values.items())))
        statement = self.statements.get(shape)
        if statement is None:
            statement = self._prepare(window, values)
            if len(self.statements) >= MAX_STATEMENTS:
                self.statements.clear()
            self.statements[shape] = statement
        sql, slots = statement
        params = [slot.value(values) if isinstance(slot, Slot) else slot for slot in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _prepare(self, window: tuple[int, int] | None, values: dict[str, Any]) -> tuple[str, list[Any]]:
        """The SQL of ``build`` given stand-ins, and for each parameter either the value to
        take from the call (a ``Slot``) or the constant the ORM put there."""
        counter = itertools.count(1)
        stand_ins: dict[str, Any] = {}
        where: dict[tuple[type, Any], Slot] = {}
        for name, value in values.items():
            if isinstance(value, (list, tuple)):
                stand_ins[name] = [_stand_in(item, next(counter)) for item in value]
                for index, item in enumerate(stand_ins[name]):
                    where[_key(item)] = Slot(name, index)
            else:
                stand_ins[name] = _stand_in(value, next(counter))
                where[_key(stand_ins[name])] = Slot(name)
        queryset = self.build(**stand_ins)
        if window is not None:
            queryset = queryset[window[0] : window[1]]
        sql, params = queryset.query.sql_with_params()
        slots = [self._slot(where, param) for param in params]
        found = {(slot.name, slot.item) for slot in slots if isinstance(slot, Slot)}
        missing = {(slot.name, slot.item) for slot in where.values()} - found
        if missing:  # the ORM wrote a value into the SQL text or left it out: not preparable
            raise ValueError(f"{self.build.__qualname__}: no parameter for {sorted(map(str, missing))}")
        return sql, slots

    @staticmethod
    def _slot(where: dict[tuple[type, Any], Slot], param: Any) -> Slot | Any:
        slot = where.get(_key(param))
        if slot is None:
            return param
        return slot._replace(integer_type=type(param)) if isinstance(param, int) else slot


def _shape(value: Any) -> Hashable:
    return len(value) if isinstance(value, (list, tuple)) else type(value).__name__


def _stand_in(value: Any, serial: int) -> Any:
    """A value of the same type that no real call uses, so its place in the SQL is unambiguous."""
    if isinstance(value, bool):
        raise TypeError("Booleans cannot be told apart from constants: write them into the query.")
    if isinstance(value, int):
        return 7_777_000_000 + serial
    if isinstance(value, str):
        return f"\x00stand-in-{serial}"
    if isinstance(value, datetime):
        return datetime(1901, 1, 1, tzinfo=UTC) + timedelta(seconds=serial)
    raise TypeError(f"No stand-in for {type(value).__name__}.")


def _adapt(value: Any) -> Any:
    """A call's value as the ORM would have passed it to the driver."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


def _key(value: Any) -> tuple[type, Any]:
    """Parameters as the driver sees them (a datetime adapted), typed: True is not 1, and
    psycopg's Int4(5) is 5."""
    adapted = _adapt(value)
    if isinstance(adapted, int) and not isinstance(adapted, bool):
        return int, int(adapted)
    return type(adapted), adapted
