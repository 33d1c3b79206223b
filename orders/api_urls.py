from django.urls import path

from .api import carts, orders, tracking

urlpatterns = [
    path("carts/", carts.CartListCreateApi.as_view(), name="cart-list"),
    path("carts/<uuid:cart_id>/", carts.CartDetailApi.as_view(), name="cart-detail"),
    path("carts/<uuid:cart_id>/lines/", carts.CartLinesApi.as_view(), name="cart-lines"),
    path("carts/<uuid:cart_id>/lines/<str:sku>/", carts.CartLineDetailApi.as_view(), name="cart-line-detail"),
    path("carts/<uuid:cart_id>/codes/", carts.CartCodesApi.as_view(), name="cart-codes"),
    path("carts/<uuid:cart_id>/checkout/", carts.CartCheckoutApi.as_view(), name="cart-checkout"),
    path("orders/", orders.OrderListCreateApi.as_view(), name="order-list"),
    path("orders/track/<str:token>/", tracking.OrderTrackingApi.as_view(), name="order-track"),
    path("orders/<str:number>/", orders.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<str:number>/ready/", orders.OrderActionApi.as_view(action="ready"), name="order-ready"),
    path("orders/<str:number>/collect/", orders.OrderActionApi.as_view(action="collect"), name="order-collect"),
    path("orders/<str:number>/ship/", orders.OrderActionApi.as_view(action="ship"), name="order-ship"),
    path("orders/<str:number>/deliver/", orders.OrderActionApi.as_view(action="deliver"), name="order-deliver"),
    path("orders/<str:number>/cancel/", orders.OrderActionApi.as_view(action="cancel"), name="order-cancel"),
    path("orders/<str:number>/returns/", orders.OrderReturnsApi.as_view(), name="order-returns"),
]
