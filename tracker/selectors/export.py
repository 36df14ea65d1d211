"""A patient's logs as CSV rows: check-ins and sessions.

The first columns are the data-interchange columns of the import (so an export can be read
back by `import_logs`); the columns after them carry what only Rehabit records: symptoms,
skip reasons and the target that was prescribed when each exercise was logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tracker.models import DailyCheckin, ExerciseLog, PatientProfile

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection):
# such cells get a leading apostrophe, which spreadsheets show as plain text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CHECKIN_HEADER = [
    "patient_email",
    "date",
    "pain",
    "worst_pain",
    "sleep_hours",
    "sleep_quality",
    "stress",
    "note",
]
SESSION_HEADER = [
    "patient_email",
    "date",
    "session_ref",
    "exercise_slug",
    "done",
    "sets",
    "reps",
    "hold_seconds",
    "pain_before",
    "pain_after",
    "pain_during",
    "note",
    # Rehabit's own columns after the interchange ones.
    "exercise_name",
    "occurrence",
    "skip_reason",
    "symptoms",
    "target_sets",
    "target_reps",
    "target_hold_seconds",
    "target_times_per_day",
    "target_side",
]


def spreadsheet_safe(value: Any) -> str:
    """The cell as text, defused if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def checkin_rows(patient: PatientProfile) -> Iterator[list[str]]:
    email = patient.user.email
    yield CHECKIN_HEADER
    for c in (
        DailyCheckin.objects.filter(patient=patient)
        .order_by("local_date")
        .iterator(chunk_size=1000)
    ):
        yield [
            spreadsheet_safe(v)
            for v in (
                email,
                c.local_date.isoformat(),
                c.pain,
                c.worst_pain,
                f"{c.sleep_hours:.1f}",
                c.sleep_quality,
                c.stress,
                c.note,
            )
        ]


def session_rows(patient: PatientProfile) -> Iterator[list[str]]:
    """One row per exercise log; the session's ratings repeat on each of its rows."""
    email = patient.user.email
    yield SESSION_HEADER
    logs = (
        ExerciseLog.objects.filter(patient=patient)
        .select_related("session", "exercise")
        .order_by("local_date", "session__started_at", "session_id", "exercise__name", "occurrence")
    )
    for log in logs.iterator(chunk_size=1000):
        s = log.session
        yield [
            spreadsheet_safe(v)
            for v in (
                email,
                log.local_date.isoformat(),
                s.pk,
                log.exercise.slug,
                1 if log.status == ExerciseLog.Status.DONE else 0,
                log.sets_done,
                log.reps_done,
                log.hold_seconds_done,
                s.pain_before,
                s.pain_after,
                log.pain_during,
                s.notes,
                log.exercise.name,
                log.occurrence,
                log.skip_reason,
                ";".join(log.symptoms),
                log.target_sets,
                log.target_reps,
                log.target_hold_seconds,
                log.target_times_per_day,
                log.target_side,
            )
        ]
