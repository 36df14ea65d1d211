"""What operators and clinic admins see about the background jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from tracker.models import WorkerHeartbeat

# Beat schedules the heartbeat every minute; three missed beats mean something is down.
HEARTBEAT_STALE_AFTER = timedelta(minutes=3)


@dataclass(frozen=True)
class BackgroundStatus:
    last_seen_at: datetime | None

    @property
    def is_running(self) -> bool:
        return (
            self.last_seen_at is not None
            and timezone.now() - self.last_seen_at < HEARTBEAT_STALE_AFTER
        )


def background_status() -> BackgroundStatus:
    beat = WorkerHeartbeat.objects.filter(name="scheduler").first()
    return BackgroundStatus(last_seen_at=beat.last_seen_at if beat else None)
