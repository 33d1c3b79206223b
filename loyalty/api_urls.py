from django.urls import path

from . import api

urlpatterns = [
    path("loyalty/program/", api.LoyaltyProgramApi.as_view(), name="loyalty-program"),
    path("customers/<uuid:customer_id>/loyalty/", api.CustomerLoyaltyApi.as_view(), name="customer-loyalty"),
    path("customers/<uuid:customer_id>/loyalty/adjustments/", api.CustomerAdjustmentsApi.as_view(),
         name="customer-loyalty-adjustments"),
]
