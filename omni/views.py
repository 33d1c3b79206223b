"""The staff UI shell: login, logout, dashboard, the global search and /favicon.ico."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from .actor import Actor
from .registry import DashboardPanel, SearchProvider, registry

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


@login_required
@require_GET
def global_search(request):
    """Search as you type across what the apps register; a scanned code opens its page."""
    actor = Actor.from_request(request)
    query = request.GET.get("q", "").strip()[:100]
    if query and request.GET.get("go"):
        for exact in registry.entries(SearchProvider):
            url = exact.exact_match(query, actor) if exact.exact_match else None
            if url:
                if request.htmx:
                    response = render(request, "omni/_search_results.html", {"hits": [], "query": query})
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
    hits = []
    if len(query) >= 2:
        for provider in registry.entries(SearchProvider):
            hits.extend(provider.search(query, actor, SEARCH_LIMIT_PER_KIND))
    template = "omni/_search_results.html" if request.htmx else "omni/search.html"
    return render(request, template, {"hits": hits, "query": query})
