from django.core.management.base import BaseCommand, CommandError

from omni.models import Location, User
from omni.services import staff_create


class Command(BaseCommand):
    help = "Create a staff login with a role and the locations the person works at."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=User.Role.values)
        parser.add_argument("--location", action="append", default=[], help="Location code; repeat for several.")
        parser.add_argument("--password", required=True)
        parser.add_argument("--channel", default=None, choices=["store", "call_centre"])

    def handle(self, *args, username, role, location, password, channel, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        places = list(Location.objects.filter(code__in=location))
        missing = set(location) - {place.code for place in places}
        if missing:
            raise CommandError(f"Unknown location(s): {', '.join(sorted(missing))}.")
        user = staff_create(username=username, role=role, password=password, locations=places, channel=channel)
        self.stdout.write(f"Created {user.get_role_display()} {user.username!r}.")
