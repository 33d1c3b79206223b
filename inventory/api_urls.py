from django.urls import path

from . import api

urlpatterns = [
    path("products/", api.ProductListCreateApi.as_view(), name="product-list"),
    path("products/<str:sku>/", api.ProductDetailApi.as_view(), name="product-detail"),
    path("stock/", api.StockListApi.as_view(), name="stock-list"),
    path("stock/movements/", api.StockMovementCreateApi.as_view(), name="stock-movement-create"),
    path("stock/transfers/", api.StockTransferCreateApi.as_view(), name="stock-transfer-create"),
    path("stock/<str:sku>/", api.StockDetailApi.as_view(), name="stock-detail"),
]
