"""The benchmarks' URLconf: Omni's own, plus ``GET /api/v1/stock/ping/``, an
authenticated, throttled DRF view that reads nothing. Its rate is the framework's floor:
what a request costs before any query (``bench/stock.py``, ``bench/checkout.py``). The
product does not serve it (``omni.urls``)."""

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from omni.urls import handler400, handler403, handler404, handler500  # noqa: F401 - the root URLconf's handlers


class StockPingApi(APIView):
    """The API's default authentication, permission and throttling; no database."""

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [
    # Before Omni's routes: ``stock/<sku>/`` would take it for a SKU.
    path("api/v1/stock/ping/", StockPingApi.as_view(), name="stock-ping"),
    path("", include("omni.urls")),
]
