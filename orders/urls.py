from django.urls import path

from . import aisle_views, bulk_views, tracking_views, views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("mark-ready/", bulk_views.orders_mark_ready_view, name="orders-mark-ready"),
    path("new/", aisle_views.order_create, name="order-create"),
    path("new/availability/", aisle_views.aisle_availability, name="aisle-availability"),
    path("pickups/", views.pickup_board, name="pickup-board"),
    path("carts/open/", views.cart_open, name="cart-open"),
    path("carts/<uuid:cart_id>/", views.cart_detail, name="cart-detail"),
    path("carts/<uuid:cart_id>/qr.svg", views.cart_qr, name="cart-qr"),
    path("customers/<uuid:customer_id>/", tracking_views.customer_orders, name="customer-orders"),
    path("<str:number>/tracking-link/", tracking_views.tracking_link_send, name="tracking-link-send"),
    path("<str:number>/", views.order_detail, name="order-detail"),
    path("<str:number>/slip/", views.pickup_slip, name="pickup-slip"),
    path("<str:number>/returns/<uuid:return_id>/receipt/", views.return_receipt, name="return-receipt"),
    path("<str:number>/return/", views.order_return, name="order-return"),
    path("<str:number>/ready/", views.order_action, {"action": "ready"}, name="pickup-ready"),
    path("<str:number>/collect/", views.order_action, {"action": "collect"}, name="pickup-collect"),
    path("<str:number>/unlock/", views.order_action, {"action": "unlock"}, name="pickup-unlock"),
    path("<str:number>/ship/", views.order_action, {"action": "ship"}, name="order-ship"),
    path("<str:number>/deliver/", views.order_action, {"action": "deliver"}, name="order-deliver"),
    path("<str:number>/cancel/", views.order_action, {"action": "cancel"}, name="order-cancel"),
]
