"""Sortable list columns, one way for every staff list.

A list declares its columns (``Sorting(columns={"placed": ("created_at",), ...},
default="-placed")``); ``sorting.apply(queryset, request)`` orders the rows by
``?sort=`` (a column, ``-column`` for descending), falling back to the default for
anything else, and ``omni/_sort_header.html`` writes each column's header: a link that
keeps the list's filters, goes back to page one, turns the order round when the column
is already the one, and says which way it sorts (``aria-sort``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Expression, QuerySet
from django.http import HttpRequest

Rows = TypeVar("Rows", bound=QuerySet)
Field = str | Expression  # a field name ("-name" descending) or an expression (Lower("name"))


@dataclass(frozen=True)
class Sorting:
    columns: dict[str, tuple[Field, ...]]  # column -> what it orders by, ascending
    default: str  # a column, "-column" for descending

    def chosen(self, request: HttpRequest) -> str:
        wanted = request.GET.get("sort", "")
        return wanted if wanted.lstrip("-") in self.columns else self.default

    def apply(self, queryset: Rows, request: HttpRequest) -> tuple[Rows, str]:
        """The rows in the chosen order (the primary key last, so that pages never overlap),
        and the order chosen, for the headers."""
        chosen = self.chosen(request)
        descending = chosen.startswith("-")
        fields = [_reverse(field) if descending else field for field in self.columns[chosen.lstrip("-")]]
        return queryset.order_by(*fields, "-pk" if descending else "pk"), chosen


def _reverse(field: Field) -> Field:
    if isinstance(field, Expression):
        return field.desc()
    return field[1:] if field.startswith("-") else f"-{field}"
