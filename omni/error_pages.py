"""What Django answers when no view does (an unknown URL, a refused body, an uncaught
error): on ``/api/`` the contract's JSON error body, never an HTML page; elsewhere
Django's own pages, which the staff layout does not need for these rare cases."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from .errors import ErrorCode

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(code: ErrorCode, detail: str, *, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


def bad_request(request, exception):
    if is_api(request):
        return api_error(ErrorCode.BAD_REQUEST, _("The request could not be read."), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        detail = _("You do not have permission to perform this action.")
        return api_error(ErrorCode.PERMISSION_DENIED, detail, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return api_error(ErrorCode.NOT_FOUND, _("Not found."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return api_error(
            ErrorCode.SERVER_ERROR, _("Something went wrong on our side; it was logged. Please retry."), status=500
        )
    return defaults.server_error(request)
