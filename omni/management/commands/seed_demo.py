"""``manage.py seed_demo``: the demo data, then a short summary a newcomer can act on.

The seeders place orders, send a campaign and rebuild journeys through the real services,
so hundreds of SMS, e-mails and inline Celery tasks go by: their log lines (below WARNING)
are held back unless ``--verbosity 2``, and the console backends print nothing outside a
served request (``omni.console``). What is left is one line per seeder and how to log in.
"""

import logging
import time
from io import StringIO

from django.core.management.base import BaseCommand

from omni.registry import Seeder, registry
from omni.seed import API_CLIENTS, DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent): locations, staff, catalogue, customers, offers, orders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="Where the demo will be served, for the summary."
        )

    def handle(self, *args, url, verbosity, **options):
        started = time.monotonic()
        self.stdout.write("Loading the demo data...")
        if verbosity < 2:
            logging.disable(logging.INFO)
        try:
            for seeder in registry.entries(Seeder):
                step = time.monotonic()
                report = StringIO()
                seeder.seed(report)
                lines = report.getvalue().rstrip().splitlines() or [f"  {seeder.name}: done"]
                lines[-1] += f" ({time.monotonic() - step:.1f}s)"
                for line in lines:
                    self.stdout.write(line)
        finally:
            if verbosity < 2:
                logging.disable(logging.NOTSET)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s."))
        self.stdout.write(f"Open {url} and log in with the password {DEMO_PASSWORD} as:")
        for username, who in demo_logins():
            self.stdout.write(f"  {username:15} {who}")
        self.stdout.write(f"API tokens (Authorization: Token <token>), API docs at {url.rstrip('/')}/api/docs/:")
        for name, kind, _location, token in API_CLIENTS:
            self.stdout.write(f"  {token:23} {name} ({kind})")
        self.stdout.write('Five stories to try, step by step: README.md, "Try the demo".')
