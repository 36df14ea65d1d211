import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.models import PatientProfile
from tracker.services.flags import trends_evaluate_patients, trends_replay


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date like 2026-08-01.") from None


class Command(BaseCommand):
    help = (
        "Evaluate trend flags with the same code as the scheduled job. --replay FROM TO "
        "evaluates day by day as the nightly job would have; --json prints one line per flag "
        "event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--as-of", type=_date, help="evaluate as of this local date")
        when.add_argument("--replay", nargs=2, type=_date, metavar=("FROM", "TO"))
        parser.add_argument("--patient", help="only this patient (email)")
        parser.add_argument("--json", action="store_true", help="one JSON line per flag event")

    def handle(self, *args: object, **options: object) -> None:
        patients = PatientProfile.objects.filter(user__is_active=True)
        if options["patient"]:
            patients = patients.filter(user__email__iexact=options["patient"])
            if not patients.exists():
                raise CommandError(f"No patient {options['patient']}.")
        ids = list(patients.order_by("pk").values_list("pk", flat=True))
        if options["replay"]:
            first, last = options["replay"]  # type: ignore[misc]
            if last < first:
                raise CommandError("--replay FROM must not be after TO.")
            changes = trends_replay(patient_ids=ids, first_day=first, last_day=last)
        else:
            changes = []
            for start in range(0, len(ids), 200):
                changes += trends_evaluate_patients(
                    patient_ids=ids[start : start + 200],
                    as_of=options["as_of"],  # type: ignore[arg-type]
                )
        for change in changes:
            if options["json"]:
                self.stdout.write(json.dumps(change.as_json()))
            else:
                self.stdout.write(
                    f"{change.opened_on} {change.patient_email} {change.kind} "
                    f"{change.severity} {change.status}: {change.summary}"
                )
        if not options["json"]:
            self.stdout.write(
                self.style.SUCCESS(f"{len(ids)} patient(s), {len(changes)} event(s).")
            )
