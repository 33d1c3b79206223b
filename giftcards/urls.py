from django.urls import path

from . import views

app_name = "giftcards"
urlpatterns = [
    path("", views.home, name="home"),
    path("issue/", views.issue, name="issue"),
    path("check/", views.check, name="check"),
    path("<uuid:card_id>/disable/", views.disable, name="disable"),
    path("customers/<uuid:customer_id>/", views.customer_cards, name="customer"),
]
