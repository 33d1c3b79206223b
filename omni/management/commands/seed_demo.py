import time

from django.core.management.base import BaseCommand

from omni.registry import registry
from omni.seed import API_CLIENTS, demo_logins


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent): locations, staff, catalogue, customers, offers, orders."

    def handle(self, *args, **options):
        started = time.monotonic()
        for name, seeder in registry.seeders:
            step = time.monotonic()
            seeder(self.stdout)
            self.stdout.write(f"    ({name}: {time.monotonic() - step:.1f}s)")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s."))
        self.stdout.write("Demo logins (username / password / role):")
        for username, password, role in demo_logins():
            self.stdout.write(f"  {username:16} {password:12} {role}")
        self.stdout.write("Demo API tokens (Authorization: Token <token>):")
        for name, kind, _location, token in API_CLIENTS:
            self.stdout.write(f"  {token:24} {kind:12} {name}")
