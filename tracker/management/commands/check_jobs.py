"""`manage.py check_jobs`: for monitoring, exits 1 when background sends are stuck or failing."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tracker.models import Notification
from tracker.selectors.notifications import OWED_STALE_AFTER, job_problems
from tracker.selectors.operations import background_status


def _line(row: Notification) -> str:
    return (
        f"  {row.idempotency_key}  {row.status}  owed {row.created_at:%Y-%m-%d %H:%M:%S} UTC"
        f"  tries {row.attempts}  clinic {row.clinic.name}"
        + (f"  {row.last_error[:120]}" if row.last_error else "")
    )


class Command(BaseCommand):
    help = (
        "Exit non-zero and list what is stuck when a reminder, alert or digest has been owed "
        f"for more than {int(OWED_STALE_AFTER.total_seconds() // 60)} minutes or a send failed "
        "in the last day; also says when beat and the workers were last seen."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = job_problems()
        status = background_status()
        seen = f"{status.last_seen_at:%Y-%m-%d %H:%M:%S} UTC" if status.last_seen_at else "never"
        self.stdout.write(f"Beat and a worker last seen: {seen}")
        if problems.stale_owed:
            minutes = int(OWED_STALE_AFTER.total_seconds() // 60)
            self.stdout.write(f"Owed for more than {minutes} minutes, not sent:")
            for row in problems.stale_owed:
                self.stdout.write(_line(row))
        if problems.failed:
            self.stdout.write("Failed in the last day:")
            for row in problems.failed:
                self.stdout.write(_line(row))
        if problems or not status.is_running:
            raise CommandError(
                f"{len(problems.stale_owed)} stale owed, {len(problems.failed)} failed, "
                f"background {'running' if status.is_running else 'NOT running'}"
            )
        self.stdout.write("Jobs OK: nothing owed is stale, nothing failed in the last day.")
