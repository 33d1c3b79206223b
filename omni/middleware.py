"""Request hygiene shared by every page and endpoint."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from .error_pages import api_error, is_api
from .errors import ErrorCode


class ApiBodySizeMiddleware:
    """An API body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused before anything
    reads it, with 413 and the contract's JSON error (Django would answer an HTML 400 when
    the body is first read, wherever that happens)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and is_api(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return api_error(ErrorCode.BAD_REQUEST, _("Content-Length is not a number."), status=400)
            if length > limit:
                return api_error(
                    ErrorCode.REQUEST_TOO_LARGE,
                    _("The request body is larger than %(limit)s bytes.") % {"limit": limit},
                    status=413,
                )
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """PostgreSQL text cannot hold a NUL character: a query string or form field with one
    would reach the database as an error (a 500). No real input has one, so such a
    request is refused with a 400 before any view sees it. API bodies (JSON, multipart)
    are checked where they are parsed: ``omni.parsers``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _has_null(request.GET)
            or (
                request.method == "POST"
                and request.content_type == "application/x-www-form-urlencoded"
                and _has_null(request.POST)
            )
        ):
            return HttpResponseBadRequest("NUL characters are not accepted.")
        return self.get_response(request)


def _has_null(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class PageDetails(HtmxDetails):
    """``request.htmx`` as the views read it: true when htmx asks for a fragment to swap
    in. htmx restoring a page from history (Back, with the page not in its own cache)
    sends HX-Request too, but swaps the whole body in: that request is answered the
    whole page, as a direct load is."""

    def __bool__(self) -> bool:
        return super().__bool__() and not self.history_restore_request


class HtmxMiddleware:
    """django-htmx's details on every request (``PageDetails``), and ``Vary: HX-Request``
    on every page: a URL answers a fragment to htmx and the whole page otherwise, so a
    browser or proxy cache must never hand one for the other (Back after an in-place
    search showed the bare fragment)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.htmx = PageDetails(request)
        response = self.get_response(request)
        if not is_api(request):
            patch_vary_headers(response, ("HX-Request",))
        return response
