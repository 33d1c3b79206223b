from django.urls import path

from . import api

urlpatterns = [
    path("carts/", api.CartListCreateApi.as_view(), name="cart-list"),
    path("carts/<uuid:cart_id>/", api.CartDetailApi.as_view(), name="cart-detail"),
    path("carts/<uuid:cart_id>/lines/", api.CartLinesApi.as_view(), name="cart-lines"),
    path("carts/<uuid:cart_id>/lines/<str:sku>/", api.CartLineDetailApi.as_view(), name="cart-line-detail"),
    path("carts/<uuid:cart_id>/codes/", api.CartCodesApi.as_view(), name="cart-codes"),
    path("carts/<uuid:cart_id>/checkout/", api.CartCheckoutApi.as_view(), name="cart-checkout"),
    path("orders/", api.OrderListCreateApi.as_view(), name="order-list"),
    path("orders/track/<str:token>/", api.OrderTrackingApi.as_view(), name="order-track"),
    path("orders/<str:number>/", api.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<str:number>/ready/", api.OrderActionApi.as_view(action="ready"), name="order-ready"),
    path("orders/<str:number>/collect/", api.OrderActionApi.as_view(action="collect"), name="order-collect"),
    path("orders/<str:number>/ship/", api.OrderActionApi.as_view(action="ship"), name="order-ship"),
    path("orders/<str:number>/deliver/", api.OrderActionApi.as_view(action="deliver"), name="order-deliver"),
    path("orders/<str:number>/cancel/", api.OrderActionApi.as_view(action="cancel"), name="order-cancel"),
    path("orders/<str:number>/returns/", api.OrderReturnsApi.as_view(), name="order-returns"),
]
