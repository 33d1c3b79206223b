from django.urls import path

from . import identity_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list_page, name="customer-list"),
    path("new/", identity_views.customer_create_page, name="customer-create"),
    path("duplicates/", views.duplicates_page, name="duplicates"),
    path("merge/", views.merge_page, name="merge"),
    path("segments/", views.segment_list_page, name="segment-list"),
    path("segments/new/", views.segment_edit_page, name="segment-create"),
    path("segments/<slug:slug>/", views.segment_edit_page, name="segment-edit"),
    path("segments/<slug:slug>/recompute/", views.segment_recompute_view, name="segment-recompute"),
    path("<uuid:customer_id>/", views.customer_detail_page, name="customer-detail"),
    path("<uuid:customer_id>/edit/", identity_views.customer_edit_page, name="customer-edit"),
    path("<uuid:customer_id>/contacts/", views.contact_add, name="contact-add"),
    path("<uuid:customer_id>/consents/", views.consents_update, name="consents"),
    path("<uuid:customer_id>/confirm/<str:medium>/", views.contact_point_confirm_view, name="contact-confirm"),
    path("<uuid:customer_id>/timeline/", views.timeline_fragment, name="timeline"),
    path("<uuid:customer_id>/export/", views.export_download, name="export"),
    path("<uuid:customer_id>/erase/", views.erase_view, name="erase"),
]
