from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.outcomes.definition import DefinitionError
from tracker.outcomes.files import read_file
from tracker.services.outcomes import questionnaire_load


class Command(BaseCommand):
    help = (
        "Load a questionnaire definition, or a clinic's wording for one (YAML or JSON). "
        "Loading the same file again changes nothing; a changed definition is a new version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        try:
            loaded = questionnaire_load(read_file(path), path.name)
        except DefinitionError as error:
            raise CommandError(str(error)) from error
        q = loaded.questionnaire
        if loaded.created:
            state = " (its wording is still to be loaded)" if q.needs_wording else ""
            self.stdout.write(self.style.SUCCESS(f"Loaded {q.slug} as version {q.version}{state}."))
        else:
            self.stdout.write(f"{q.slug} version {q.version} already holds this definition.")
