from django.urls import path

from . import views

app_name = "journeys"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", views.export_csv, name="export"),
    path("customers/<uuid:customer_id>/", views.customer_journeys_page, name="customer"),
]
