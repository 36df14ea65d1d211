from django.core.management.base import BaseCommand

from tracker.services.library import library_seed


class Command(BaseCommand):
    help = "Load the exercise library and program templates (idempotent, by slug)."

    def handle(self, *args: object, **options: object) -> None:
        report = library_seed()
        self.stdout.write(self.style.SUCCESS(f"Exercise library: {report}"))
