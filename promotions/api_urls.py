from django.urls import path

from . import api

urlpatterns = [
    path("pricing/quote/", api.QuoteApi.as_view(), name="pricing-quote"),
    path("promotions/", api.PromotionListCreateApi.as_view(), name="promotion-list"),
    path("promotions/<uuid:promotion_id>/", api.PromotionDetailApi.as_view(), name="promotion-detail"),
    path("promotions/<uuid:promotion_id>/codes/", api.PromotionCodesApi.as_view(), name="promotion-codes"),
]
