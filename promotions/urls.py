from django.urls import path

from . import bulk_views, views

app_name = "promotions"
urlpatterns = [
    path("", views.promotion_list_page, name="list"),
    path("new/", views.promotion_create_page, name="create"),
    path("bulk/", bulk_views.promotion_bulk_view, name="bulk"),
    path("preview/", views.promotion_preview, name="preview"),
    path("statistics/", views.redemption_stats_page, name="stats"),
    path("campaigns/", views.campaign_list_page, name="campaign-list"),
    path("campaigns/new/", views.campaign_create_page, name="campaign-create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail_page, name="campaign-detail"),
    path("campaigns/<int:campaign_id>/send/", views.campaign_send_view, name="campaign-send"),
    path("campaigns/<int:campaign_id>/test/", views.campaign_test_view, name="campaign-test"),
    path("campaigns/<int:campaign_id>/progress/", views.campaign_progress, name="campaign-progress"),
    path("<uuid:promotion_id>/", views.promotion_detail_page, name="detail"),
    path("<uuid:promotion_id>/edit/", views.promotion_edit_page, name="edit"),
    path("<uuid:promotion_id>/codes/", views.codes_generate_view, name="codes-generate"),
    path("<uuid:promotion_id>/codes.csv", views.codes_export, name="codes-export"),
]
