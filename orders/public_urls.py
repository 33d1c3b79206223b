"""Public pages of orders, mounted at ``/t/`` (short links for SMS): the tracking page."""

from django.urls import path

from . import tracking_views

urlpatterns = [
    path("<str:token>/", tracking_views.tracking_page, name="order-tracking"),
]
