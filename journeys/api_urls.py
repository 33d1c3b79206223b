from django.urls import path

from .api import CustomerJourneysApi, EventsIngestApi, JourneysSummaryApi

urlpatterns = [
    path("events/", EventsIngestApi.as_view(), name="event-ingest"),
    path("journeys/summary/", JourneysSummaryApi.as_view(), name="journey-summary"),
    path("customers/<uuid:customer_id>/journeys/", CustomerJourneysApi.as_view(), name="customer-journeys"),
]
