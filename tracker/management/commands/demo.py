from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.services.demo import DEMO_PASSWORD, DEMO_PATIENT, DEMO_THERAPIST, demo_build


class Command(BaseCommand):
    help = "Create the Demo Clinic with a therapist and patients with eight weeks of history."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Build the Demo Clinic even with DEBUG off (a staging server, never production).",
        )

    def handle(self, *args: object, **options: object) -> None:
        # The demo accounts share one published password: on a production server they would
        # be open doors. With DEBUG off it takes a deliberate --force.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like a production server, and every demo account "
                f"has the published password {DEMO_PASSWORD!r}. Nothing was created. "
                "Run it with --force if this really is a demonstration server."
            )
        added = demo_build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo Clinic ready ({added['patients']} patients and {added['days']} days added). "
                f"Log in as {DEMO_THERAPIST} or {DEMO_PATIENT}, password {DEMO_PASSWORD}."
            )
        )
