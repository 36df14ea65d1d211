from django.core.management.base import BaseCommand

from tracker.services.demo import DEMO_PASSWORD, DEMO_PATIENT, DEMO_THERAPIST, demo_build


class Command(BaseCommand):
    help = "Create the Demo Clinic with a therapist and patients with eight weeks of history."

    def handle(self, *args: object, **options: object) -> None:
        added = demo_build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo Clinic ready ({added['patients']} patients and {added['days']} days added). "
                f"Log in as {DEMO_THERAPIST} or {DEMO_PATIENT}, password {DEMO_PASSWORD}."
            )
        )
