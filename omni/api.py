"""Locations API and the API root."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .actor import Actor
from .idempotency import run_idempotent
from .models import Location
from .permissions import catalogue_writer
from .selectors import location_list
from .services import location_create, location_update


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = [
            "code",
            "name",
            "kind",
            "city",
            "address",
            "postcode",
            "phone",
            "opening_hours",
            "click_and_collect",
            "ship_from_store",
        ]


class LocationListCreateApi(generics.ListAPIView):
    serializer_class = LocationSerializer
    actor_rules = {"POST": catalogue_writer}
    filterset_fields = ["kind", "city", "click_and_collect", "ship_from_store"]

    def get_queryset(self):
        return location_list(actor=Actor.from_request(self.request))

    @extend_schema(request=LocationSerializer, responses={201: LocationSerializer})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = LocationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        location = location_create(actor=Actor.from_request(request), **incoming.validated_data)
        return Response(LocationSerializer(location).data, status=status.HTTP_201_CREATED)


class LocationDetailApi(generics.RetrieveAPIView):
    serializer_class = LocationSerializer
    lookup_field = "code"
    actor_rules = {"PATCH": catalogue_writer}

    def get_queryset(self):
        return location_list(actor=Actor.from_request(self.request))

    @extend_schema(request=LocationSerializer, responses=LocationSerializer)
    def patch(self, request, code):
        location = self.get_object()
        incoming = LocationSerializer(location, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        location = location_update(location=location, actor=Actor.from_request(request), **incoming.validated_data)
        return Response(LocationSerializer(location).data)


class ApiRootApi(APIView):
    """The entry points of API v1."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        from .api_urls import root_links  # the URL list imports this module

        return Response({name: reverse(url_name, request=request) for name, url_name in root_links()})
