from django.core.management.base import BaseCommand, CommandError

from omni.models import ApiClient, Location
from omni.services import api_client_create


class Command(BaseCommand):
    help = "Create an API client and print its token (shown once) on the last line."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--kind", required=True, choices=ApiClient.Kind.values)
        parser.add_argument("--location", help="Location code; required for a POS terminal.")

    def handle(self, *args, name, kind, location=None, **options):
        if kind == ApiClient.Kind.POS and not location:
            raise CommandError("A pos client needs --location CODE.")
        place = None
        if location:
            place = Location.objects.filter(code=location).first()
            if place is None:
                raise CommandError(f"Unknown location {location!r}.")
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"An API client named {name!r} already exists.")
        client, token = api_client_create(name=name, kind=kind, location=place)
        self.stdout.write(f"Created {client.kind} client {client.name!r} ({client.pk}). Token, shown once:")
        self.stdout.write(token)
