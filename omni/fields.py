"""Serializer fields shared by every app's API."""

import re
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Before 1970 a local zone may still be a solar mean time (Paris: +00:09:21), an offset
# ISO 8601 cannot write, and near years 1 and 9999 turning a time into UTC or back into
# the local zone leaves Python's datetime range. No retail event lies outside these.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


class DateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time between 1970 and 2999; a time without an offset is read
    in ``TIME_ZONE``. Every date and time an API takes goes through this field, so that
    every date and time Omni returns is valid ISO 8601."""

    default_error_messages = {
        "out_of_range": _("Enter a date and time between 1970 and 2999."),
        "overflow": _("Enter a date and time between 1970 and 2999."),  # DRF's own word for some of them
    }

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:  # the local zone's offset pushed it past datetime's range
            self.fail("out_of_range")
        if not EARLIEST <= parsed <= LATEST:
            self.fail("out_of_range")
        return parsed


ASCII_INTEGER = re.compile(r"\s*[+-]?[0-9]+(\.0*)?\s*", re.ASCII)


class IntegerField(serializers.IntegerField):
    """A whole number written with ASCII digits: ``12``, ``"12"``, ``"12.0"``. Python's
    ``int()`` also reads full-width (``"１２"``) and other scripts' digits, which no till
    means as a quantity."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not ASCII_INTEGER.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)
