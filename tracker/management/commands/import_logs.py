from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.models import Clinic, User
from tracker.services.audit import audit_record
from tracker.services.importer import file_is_empty, import_caseload


class Command(BaseCommand):
    help = (
        "Import a caseload and its history from CSV. Every row is validated first; nothing is "
        "imported if any row is bad. Importing the same files twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", required=True, help="clinic name")
        parser.add_argument("--therapist", required=True, help="email of the primary therapist")
        parser.add_argument("--patients", type=Path, help="patients.csv")
        parser.add_argument("--checkins", type=Path, help="checkins.csv")
        parser.add_argument("--sessions", type=Path, help="sessions.csv")
        parser.add_argument("--dry-run", action="store_true", help="validate only")

    def handle(self, *args: object, **options: object) -> None:
        try:
            clinic = Clinic.objects.get(name=options["clinic"])
        except Clinic.DoesNotExist:
            raise CommandError(f"No clinic named “{options['clinic']}”.") from None
        therapist = User.objects.filter(
            email__iexact=options["therapist"], clinic=clinic, role=User.Role.THERAPIST
        ).first()
        if therapist is None:
            raise CommandError(f"No therapist {options['therapist']} in {clinic}.")
        texts: dict[str, str | None] = {}
        for name in ("patients", "checkins", "sessions"):
            path = options[name]
            if path is None:
                texts[name] = None
                continue
            try:
                text = Path(path).read_text(encoding="utf-8-sig")  # type: ignore[arg-type]
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from None
            # Said here, by the name given: an empty file is not a file left out.
            if file_is_empty(text):
                raise CommandError(f"{path} is empty.")
            texts[name] = text
        if all(text is None for text in texts.values()):
            raise CommandError("Give at least one of --patients, --checkins, --sessions.")
        report = import_caseload(
            clinic=clinic,
            therapist=therapist,
            patients_csv=texts["patients"],
            checkins_csv=texts["checkins"],
            sessions_csv=texts["sessions"],
            dry_run=bool(options["dry_run"]),
        )
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(f"{len(report.errors)} bad row(s); nothing was imported.")
        if not report.dry_run:
            # Run on the server, not by a signed-in person: the clinic's admins still see it.
            audit_record(
                action="caseload.imported",
                clinic=clinic,
                detail={
                    "therapist": therapist.email,
                    "counts": dict(report.counts),
                    "by": "import_logs command",
                },
            )
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {report.summary()}"))
