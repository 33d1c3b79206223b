from django.urls import path

from . import api

urlpatterns = [
    path("gift-cards/", api.GiftCardListCreateApi.as_view(), name="gift-card-list"),
    path("gift-cards/<str:code>/", api.GiftCardDetailApi.as_view(), name="gift-card-detail"),
]
