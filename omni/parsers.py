"""API body parsers that refuse what no real request carries, once, where bodies are parsed,
so that every serializer field is free of special cases:

- NUL characters, the counterpart for request bodies of
  ``omni.middleware.RejectNullCharactersMiddleware`` (query strings and forms): PostgreSQL
  text cannot hold one, so a body carrying one would reach the database as an error (a 500).
- JSON nested deeper than ``MAX_DEPTH``: the deepest body of the contract (an order's
  address or a product's attributes) is four levels; a thousand levels overflow Python's
  recursion in the JSON decoder, the serializers or the database driver.
"""

from django.http import QueryDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 20


def refusal(value) -> str | None:
    """Why ``value`` (a parsed body) is refused, or ``None``. Walked with a stack, not by
    recursion, so that the walk itself cannot overflow."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "NUL characters are not accepted."
            continue
        if isinstance(item, QueryDict):
            item = dict(item.lists())
        if isinstance(item, dict | list | tuple):
            if depth > MAX_DEPTH:
                return f"JSON nested deeper than {MAX_DEPTH} levels is not accepted."
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


class SaneBodyParserMixin(parsers.BaseParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # the decoder itself gave up on the depth
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels is not accepted.") from exc
        data = parsed.data if isinstance(parsed, parsers.DataAndFiles) else parsed
        reason = refusal(data)
        if reason:
            raise ParseError(reason)
        return parsed


class JSONParser(SaneBodyParserMixin, parsers.JSONParser):
    pass


class FormParser(SaneBodyParserMixin, parsers.FormParser):
    pass


class MultiPartParser(SaneBodyParserMixin, parsers.MultiPartParser):
    pass
