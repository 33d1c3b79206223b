"""The benchmarks' URLconf: Omni's own, plus ``GET /api/v1/stock/ping/``, an
authenticated, throttled DRF view that makes one small query. Its rate is the framework's
floor, as issue 14 sets it: what a request that reads the database at all costs
(``bench/stock.py``, ``bench/checkout.py``). The product does not serve it (``omni.urls``)."""

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from omni.models import Location
from omni.urls import handler400, handler403, handler404, handler500  # noqa: F401 - the root URLconf's handlers


class StockPingApi(APIView):
    """The API's default authentication, permission and throttling; one query."""

    def get(self, request: Request) -> Response:
        return Response({"ok": Location.objects.exists()})


urlpatterns = [
    # Before Omni's routes: ``stock/<sku>/`` would take it for a SKU.
    path("api/v1/stock/ping/", StockPingApi.as_view(), name="stock-ping"),
    path("", include("omni.urls")),
]
