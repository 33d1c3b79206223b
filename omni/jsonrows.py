"""Child rows carried inside their parent's query, as a JSON array per parent row.

A detail read (an order with its history and its notifications) would cost one query per
kind of child. ``json_rows`` makes each kind a correlated subquery of the parent's query
that returns the children as one JSON array, on PostgreSQL (``JSON_AGG``) and SQLite
(``JSON_GROUP_ARRAY``) alike; ``rows_as`` turns such an array back into unsaved model
instances, so that the code reading them does not know the difference.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC
from decimal import Decimal

from django.db import models
from django.db.models import Aggregate, Subquery, TextField
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_datetime


class JSONArrayAgg(Aggregate):
    """The group's values as one JSON array (NULL for no row)."""

    function = "JSON_AGG"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        # As text: psycopg would parse the JSON itself, numbers as floats; rows_as reads
        # them as Decimals, so that money stays exact.
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"({sql})::text", params


def json_rows(queryset: models.QuerySet, *, group_by: str, fields: Iterable[str]) -> Subquery:
    """A subquery giving, for each outer row, ``queryset``'s rows (already filtered on an
    ``OuterRef``) as a JSON array of objects with ``fields``."""
    fields = list(fields)
    return Subquery(
        queryset.order_by()
        .values(group_by)
        .annotate(rows=JSONArrayAgg(JSONObject(**{name: name for name in fields})))
        .values("rows")[:1],
        output_field=TextField(),
    )


def rows_as(model: type[models.Model], value, *, order_by: Iterable[str] = ()) -> list[models.Model]:
    """The instances of ``model`` that a ``json_rows`` value describes, in ``order_by`` order."""
    if not value:
        return []
    rows = json.loads(value, parse_float=Decimal) if isinstance(value, str) else value
    instances = [model(**{name: _python(model, name, raw) for name, raw in row.items()}) for row in rows]
    order_by = list(order_by)
    if order_by:
        instances.sort(key=lambda instance: tuple(getattr(instance, name) for name in order_by))
    for instance in instances:
        instance._state.adding = False  # read from the database, as a queryset would have
    return instances


def _python(model, name: str, raw):
    field = model._meta.get_field(name)
    if isinstance(field, models.DateTimeField) and isinstance(raw, str):
        value = parse_datetime(raw.replace(" ", "T", 1))
        # SQLite keeps UTC times without an offset; PostgreSQL writes the offset.
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
    if isinstance(field, models.ForeignKey):
        return raw
    if isinstance(field, models.DecimalField) and raw is not None:
        # As Django reads the column: to the field's places (SQLite keeps 19.90 as 19.9).
        return field.to_python(raw).quantize(Decimal(1).scaleb(-field.decimal_places))
    return field.to_python(raw)


def set_prefetched(instance: models.Model, related_name: str, children: list[models.Model]) -> None:
    """Make ``instance.<related_name>.all()`` answer ``children`` without a query, as
    ``prefetch_related`` would have left it."""
    queryset = getattr(instance, related_name).all()
    queryset._result_cache = list(children)
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = getattr(instance, "_prefetched_objects_cache", {})
    instance._prefetched_objects_cache[related_name] = queryset


__all__ = ["JSONArrayAgg", "json_rows", "rows_as", "set_prefetched"]
