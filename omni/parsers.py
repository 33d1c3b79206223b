"""API body parsers that refuse NUL characters, the counterpart for request bodies of
``omni.middleware.RejectNullCharactersMiddleware`` (query strings and forms).

PostgreSQL text cannot hold a NUL character: a body carrying one would reach the database
as an error (a 500) wherever a string is looked up or stored. Refusing it once, where
bodies are parsed, keeps every serializer field free of special cases.
"""

from django.http import QueryDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, QueryDict):
        return any(contains_nul(key) or contains_nul(items) for key, items in value.lists())
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


class NulFreeParserMixin:
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        data = parsed.data if isinstance(parsed, parsers.DataAndFiles) else parsed
        if contains_nul(data):
            raise ParseError("NUL characters are not accepted.")
        return parsed


class JSONParser(NulFreeParserMixin, parsers.JSONParser):
    pass


class FormParser(NulFreeParserMixin, parsers.FormParser):
    pass


class MultiPartParser(NulFreeParserMixin, parsers.MultiPartParser):
    pass
