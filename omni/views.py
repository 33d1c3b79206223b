"""The staff UI shell: login, logout, dashboard, the global search and /favicon.ico."""

from typing import NamedTuple

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from .actor import Actor
from .registry import SEARCH_COUNT_CAP, DashboardPanel, SearchProvider, SearchResults, registry

SEARCH_LIMIT_PER_KIND = 8


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Pages link their icon; the admin, the API's JSON and browsers asking on their own
    request /favicon.ico, which would otherwise be a 404 in every first page's log."""
    return redirect(static("omni/favicon.ico"))


class OmniLoginView(LoginView):
    template_name = "omni/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@login_required
def dashboard(request):
    actor = Actor.from_request(request)
    panels = [
        (panel.template, panel.context(actor)) for panel in registry.entries(DashboardPanel) if panel.allowed(actor)
    ]
    return render(request, "omni/dashboard.html", {"panels": panels})


class SearchGroup(NamedTuple):
    results: SearchResults
    more_url: str  # the app's own list of every match, when there are more than shown


@login_required
@require_GET
def global_search(request):
    """Search as you type across what the apps register; a scanned code opens its page.

    The list and Enter give one answer: when the query names one thing exactly (a
    barcode, a card, an order number), Enter (``go``) opens it and the list shows it
    first, marked as what Enter opens; otherwise Enter shows this page, with the same hits.
    """
    actor = Actor.from_request(request)
    query = request.GET.get("q", "").strip()[:100]
    providers = registry.entries(SearchProvider)
    exact = None
    if query:  # the first provider that knows the query as one of its codes
        exact = next(filter(None, (p.exact_match(query, actor) for p in providers if p.exact_match)), None)
    if exact and request.GET.get("go"):
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = exact
            return response
        return redirect(exact)
    groups: list[SearchGroup] = []
    if len(query) >= 2:
        for provider in providers:
            results = provider.search(query, actor, SEARCH_LIMIT_PER_KIND)
            if results.hits:
                more_url = provider.list_url(query) if provider.list_url and results.more else ""
                groups.append(SearchGroup(results, more_url))
        # What Enter opens comes first.
        groups.sort(key=lambda group: not any(hit.url == exact for hit in group.results.hits))
    template = "omni/_search_results.html" if request.htmx else "omni/search.html"
    return render(request, template, {"groups": groups, "query": query, "exact": exact,
                                      "count_cap": SEARCH_COUNT_CAP})
