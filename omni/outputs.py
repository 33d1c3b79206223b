"""Output serializers for the hottest answers: long lists of plain values."""

from __future__ import annotations

from operator import attrgetter
from typing import Any, ClassVar

from rest_framework import serializers

PLAIN_FIELDS = (serializers.BooleanField, serializers.CharField, serializers.IntegerField)


class PlainOutput(serializers.Serializer):
    """An output whose fields are all booleans, strings and integers read from attributes
    (``source`` may be dotted): each row is rendered by reading those attributes, without
    each field's ``to_representation``, which on a 200-row page of stock costs more than
    the queries. The declared fields are still what renders and what the schema shows.
    The objects' attributes already have the fields' types (values from the database).

    The readers are worked out once per class: binding a serializer's fields (a deep copy
    of the declared ones) costs as much as rendering fifty rows."""

    readers_by_class: ClassVar[dict[type, list[tuple[str, attrgetter]]]] = {}

    def plain_readers(self) -> list[tuple[str, attrgetter]]:
        readers = self.readers_by_class.get(type(self))
        if readers is None:
            readers = []
            for name, field in self.fields.items():
                if not isinstance(field, PLAIN_FIELDS) or field.write_only:
                    raise TypeError(f"{type(self).__name__}.{name}: a PlainOutput holds plain read fields only.")
                readers.append((name, attrgetter(field.source or name)))
            self.readers_by_class[type(self)] = readers
        return readers

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {name: read(instance) for name, read in self.plain_readers()}
