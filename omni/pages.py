"""One way for a page to refuse: an alert in place for htmx, the same alert inside the
layout for a direct load or a history restore (never a bare fragment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import DomainError

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def refuse(
    request: HttpRequest,
    refusal: DomainError | _StrOrPromise,
    *,
    status: int | None = None,
    target: str | None = None,
) -> HttpResponse:
    """Answer ``refusal`` (a domain error, or a message) with ``status`` (the error's own,
    else 403). ``target`` is the CSS selector of the element the htmx alert replaces the
    content of (the page's alert box) instead of the request's own target."""
    context: dict[str, object]
    if isinstance(refusal, DomainError):
        context = {"message": refusal.detail, "code": str(refusal.code)}
        status = status or refusal.status
    else:
        context = {"message": refusal, "code": ""}
        status = status or 403
    # False for a direct load and for htmx restoring history (omni.middleware.PageDetails).
    if not getattr(request, "htmx", None):
        return render(request, "omni/refused.html", {**context, "status": status}, status=status)
    response = render(request, "omni/_alert.html", context, status=status)
    if target:
        response["HX-Retarget"] = target
        response["HX-Reswap"] = "innerHTML"
    return response


def back_to(request: HttpRequest, fallback: str) -> str:
    """Where a form posted from a list goes back to: its ``next`` (the list as it was, with
    its filters, sort and page) when that is on this site, else ``fallback``."""
    back = request.POST.get("next", "")
    return back if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) else fallback
