from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.placeholder, name="order-list"),
    path("pickups/", views.placeholder, name="pickup-board"),
    path("<str:number>/", views.placeholder, name="order-detail"),
]
