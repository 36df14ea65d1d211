"""A patient's record as the therapist reads it, in a fixed number of queries.

Everything is bounded by a window of days (28 by default), so the number of queries never
depends on the length of the history or on how many patients the clinic has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch

from tracker.models import (
    DailyCheckin,
    ExerciseLog,
    Flag,
    FlagEvent,
    PatientProfile,
    PrescribedExercise,
    Program,
    Session,
    TherapistNote,
)
from tracker.selectors.adherence import (
    AdherenceDay,
    AdherenceFigures,
    adherence_days,
    figures_from_days,
)

WINDOWS = (14, 28, 56, 90)
DEFAULT_WINDOW = 28


@dataclass(frozen=True)
class SeriesPoint:
    day: date
    value: float | None


@dataclass(frozen=True)
class SessionDigest:
    """A session in one line: how much was done, the worst pain during, every symptom."""

    session: Session
    logs: list[ExerciseLog]

    @property
    def done(self) -> int:
        return sum(1 for log in self.logs if log.status == ExerciseLog.Status.DONE)

    @property
    def skipped(self) -> int:
        return len(self.logs) - self.done

    @property
    def worst_pain_during(self) -> int | None:
        values = [log.pain_during for log in self.logs if log.pain_during is not None]
        return max(values) if values else None

    @property
    def symptoms(self) -> list[str]:
        return sorted({s for log in self.logs for s in log.symptoms})


@dataclass
class PatientRecord:
    patient: PatientProfile
    today: date
    window_days: int
    program: Program | None
    prescriptions: list[PrescribedExercise]
    checkins: list[DailyCheckin]  # in the window, newest first
    sessions: list[Session]  # in the window, newest first, with their logs
    flags: list[Flag]  # every flag ever, open first, with their events
    notes: list[TherapistNote]
    adherence: list[AdherenceDay]  # the window's days, oldest first, ending yesterday
    adherence_figures: AdherenceFigures  # the 7- and 28-day figures every screen shows

    @property
    def adherence_7d(self) -> float | None:
        return self.adherence_figures.adherence_7d

    @property
    def adherence_28d(self) -> float | None:
        return self.adherence_figures.adherence_28d

    @property
    def window_start(self) -> date:
        return self.today - timedelta(days=self.window_days - 1)

    def series(self, field: str) -> list[tuple[date, float | None]]:
        """(day, value) for each day of the window, None where there was no check-in."""
        by_day = {c.local_date: getattr(c, field) for c in self.checkins}
        return [
            (day, float(by_day[day]) if by_day.get(day) is not None else None)
            for day in (self.window_start + timedelta(days=n) for n in range(self.window_days))
        ]

    def mean(self, field: str, days: int = 7) -> float | None:
        """Mean of the ``days`` complete days ending yesterday, as on the caseload."""
        since = self.today - timedelta(days=days)
        values = [
            float(getattr(c, field)) for c in self.checkins if since <= c.local_date < self.today
        ]
        return round(sum(values) / len(values), 1) if values else None

    @property
    def session_digests(self) -> list[SessionDigest]:
        return [SessionDigest(session=s, logs=list(s.logs.all())) for s in self.sessions]

    @property
    def mean_pain_7d(self) -> float | None:
        return self.mean("pain")

    @property
    def mean_sleep_quality_7d(self) -> float | None:
        return self.mean("sleep_quality")

    @property
    def mean_stress_7d(self) -> float | None:
        return self.mean("stress")

    @property
    def open_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.is_open]

    @property
    def last_checkin(self) -> DailyCheckin | None:
        return self.checkins[0] if self.checkins else None


def current_program(patient: PatientProfile) -> Program | None:
    """The program the patient follows now: the active one, else the latest paused one."""
    return (
        Program.objects.filter(
            patient=patient, status__in=[Program.Status.ACTIVE, Program.Status.PAUSED]
        )
        .order_by("status", "-start_date", "-id")  # "active" sorts before "paused"
        .first()
    )


def current_prescriptions(program: Program) -> list[PrescribedExercise]:
    """The latest version of each exercise line still in the program, in the set order."""
    return list(
        PrescribedExercise.objects.filter(program=program, valid_to__isnull=True)
        .select_related("exercise")
        .order_by("order", "id")
    )


def patient_record(patient: PatientProfile, *, window_days: int = DEFAULT_WINDOW) -> PatientRecord:
    if window_days not in WINDOWS:
        window_days = DEFAULT_WINDOW
    today = patient.local_today()
    start = today - timedelta(days=window_days - 1)
    program = current_program(patient)
    prescriptions = current_prescriptions(program) if program else []
    checkins = list(
        DailyCheckin.objects.filter(patient=patient, local_date__gte=start).order_by("-local_date")
    )
    sessions = list(
        Session.objects.filter(patient=patient, local_date__gte=start)
        .order_by("-local_date", "-started_at")
        .prefetch_related(
            Prefetch(
                "logs",
                queryset=ExerciseLog.objects.select_related("exercise").order_by(
                    "exercise__name", "occurrence"
                ),
            )
        )
    )
    flags = list(
        Flag.objects.filter(patient=patient)
        .select_related("acknowledged_by", "resolved_by")
        .prefetch_related(
            Prefetch("events", queryset=FlagEvent.objects.select_related("actor").order_by("at"))
        )
        .order_by("-opened_at", "-id")
    )
    flags.sort(key=lambda f: not f.is_open)  # stable: open ones first, each newest first
    notes = list(
        TherapistNote.objects.filter(patient=patient)
        .select_related("author")
        .order_by("-created_at")[:50]
    )
    # Adherence ends yesterday, like every other screen's: today is not over yet. One read
    # serves the calendar of the window and the 7- and 28-day figures.
    yesterday = today - timedelta(days=1)
    first = yesterday - timedelta(days=max(window_days, 28) - 1)
    days = adherence_days([patient.pk], first, yesterday)[patient.pk]
    return PatientRecord(
        patient=patient,
        today=today,
        window_days=window_days,
        program=program,
        prescriptions=prescriptions,
        checkins=checkins,
        sessions=sessions,
        flags=flags,
        notes=notes,
        adherence=days[-window_days:],
        adherence_figures=figures_from_days(today, days),
    )
