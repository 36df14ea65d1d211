from django.core.management.base import BaseCommand

from tracker.services.library import library_seed
from tracker.services.outcomes import questionnaires_seed


class Command(BaseCommand):
    help = (
        "Load the exercise library, program templates and built-in questionnaires "
        "(idempotent, by slug)."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = library_seed()
        self.stdout.write(self.style.SUCCESS(f"Exercise library: {report}"))
        loaded = questionnaires_seed()
        new = [f"{q.questionnaire.slug} v{q.questionnaire.version}" for q in loaded if q.created]
        self.stdout.write(
            self.style.SUCCESS(
                f"Questionnaires: {len(loaded)} built in, "
                + (f"new versions: {', '.join(new)}" if new else "all up to date")
            )
        )
