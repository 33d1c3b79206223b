from django.urls import path

from . import api

urlpatterns = [
    path("customers/", api.CustomerListCreateApi.as_view(), name="customer-list"),
    path("customers/<uuid:customer_id>/", api.CustomerDetailApi.as_view(), name="customer-detail"),
    path("customers/<uuid:customer_id>/timeline/", api.CustomerTimelineApi.as_view(), name="customer-timeline"),
    path("customers/<uuid:customer_id>/contacts/", api.CustomerContactsApi.as_view(), name="customer-contacts"),
    path("customers/<uuid:customer_id>/contact-points/<str:medium>/verify/", api.ContactPointVerifyApi.as_view(),
         name="customer-contact-verify"),
    path("customers/<uuid:customer_id>/contact-points/<str:medium>/confirm/", api.ContactPointConfirmApi.as_view(),
         name="customer-contact-confirm"),
    path("customers/<uuid:customer_id>/export/", api.CustomerExportApi.as_view(), name="customer-export"),
    path("customers/<uuid:customer_id>/erase/", api.CustomerEraseApi.as_view(), name="customer-erase"),
    path("segments/", api.SegmentListApi.as_view(), name="segment-list"),
    path("segments/<slug:slug>/recompute/", api.SegmentRecomputeApi.as_view(), name="segment-recompute"),
]
