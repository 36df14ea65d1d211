"""Next-due moments of each patient's periodic jobs, stored in UTC, computed in local time.

Computing from the local wall-clock time with zoneinfo (not by adding 24 hours) is what keeps
a daylight-saving change from skipping or doubling a day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tracker.models import PatientProfile

# Trends are evaluated once the patient's local day is over, shortly after midnight.
EVALUATION_LOCAL_TIME = time(0, 30)


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time.

    fold=0 (PEP 495) resolves both clock changes the way people expect: a time skipped by
    spring-forward happens that much later (02:30 becomes 03:30), and a time repeated by
    fall-back happens at its first occurrence.
    """
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(ZoneInfo("UTC"))


def next_local_occurrence(at: time, tz: ZoneInfo, *, after: datetime) -> datetime:
    """The first instant strictly after ``after`` at local time ``at`` in ``tz``."""
    day = after.astimezone(tz).date()
    for offset in range(3):
        moment = local_moment(day + timedelta(days=offset), at, tz)
        if moment > after:
            return moment
    raise AssertionError("unreachable: a local time recurs within three days")


def patient_schedule_refresh(*, patient: PatientProfile, now: datetime | None = None) -> None:
    """Recompute the patient's next reminder and evaluation after a settings change."""
    now = now or timezone.now()
    tz = patient.tzinfo
    patient.next_reminder_at = next_local_occurrence(patient.reminder_time, tz, after=now)
    # An evaluation already due (or never made: a new or imported patient with a history)
    # stays due, so the next dispatch looks at the patient; a scheduled one moves with the
    # patient's time zone.
    if patient.next_evaluation_at is not None and patient.next_evaluation_at > now:
        patient.next_evaluation_at = next_local_occurrence(EVALUATION_LOCAL_TIME, tz, after=now)
    patient.save(update_fields=["next_reminder_at", "next_evaluation_at", "updated_at"])
