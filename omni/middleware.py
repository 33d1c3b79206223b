"""Request hygiene shared by every page and endpoint."""

from django.http import HttpResponseBadRequest


class RejectNullCharactersMiddleware:
    """PostgreSQL text cannot hold a NUL character: a query string or form field with one
    would reach the database as an error (a 500). No real input has one, so such a
    request is refused with a 400 before any view sees it. API bodies (JSON, multipart)
    are checked where they are parsed: ``omni.parsers``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_null(request.GET) or (
            request.method == "POST" and request.content_type == "application/x-www-form-urlencoded"
            and _has_null(request.POST)
        ):
            return HttpResponseBadRequest("NUL characters are not accepted.")
        return self.get_response(request)


def _has_null(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())
