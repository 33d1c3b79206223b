from django.urls import path

from . import views

app_name = "loyalty"
urlpatterns = [
    path("", views.programme, name="programme"),
    path("customers/<uuid:customer_id>/", views.customer_points, name="customer"),
]
