from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.stock_lookup, name="lookup"),
    path("products/<str:sku>/", views.product_detail, name="product"),
    path("products/<str:sku>/movements/", views.movement_create, name="movement-create"),
    path("products/<str:sku>/transfers/", views.transfer_create, name="transfer-create"),
    path("products/<str:sku>/threshold/", views.threshold_set, name="threshold-set"),
    path("low-stock/", views.low_stock_page, name="low-stock"),
    path("import/", views.import_start, name="import"),
    path("import/<uuid:job_id>/", views.import_detail, name="import-detail"),
]
