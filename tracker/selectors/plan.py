"""Reading a patient's plan: which exercises are due on a day and what is already logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count

from tracker.models import (
    DailyCheckin,
    ExerciseLog,
    PatientProfile,
    PrescribedExercise,
    Program,
    Session,
)


def prescriptions_in_force(patient: PatientProfile, day: date) -> list[PrescribedExercise]:
    """The versions in force on ``day`` in the patient's active program (one query).

    Every Today page and tick reads this, so the query is kept plain for the ORM to build
    (no OR, no ORDER BY: a third of its cost): the program's phase end and the order are
    applied here, on the few rows that come back.
    """
    versions = (
        PrescribedExercise.objects.filter(
            program__patient=patient,
            program__status=Program.Status.ACTIVE,
            program__start_date__lte=day,
            valid_from__lte=day,
        )
        .exclude(valid_to__lte=day)  # still in force: no end, or an end after ``day``
        .select_related("exercise", "program")
        .order_by()
    )
    in_force = [
        v for v in versions if v.program.phase_end_date is None or v.program.phase_end_date >= day
    ]
    in_force.sort(key=lambda v: (v.order, v.pk))
    return in_force


# How long a plan read for a day is kept: past its day nobody asks for it again.
KEPT_PLAN_SECONDS = 2 * 24 * 3600


def kept_plan_key(patient: PatientProfile, day: date) -> str:
    """The cache key of a patient's plan on ``day`` at their current plan revision. Every
    service that changes a plan bumps the revision (``plan_revision_bump``), so a change
    makes a new key and an entry is never out of date."""
    return f"plan:{patient.pk}:{patient.plan_revision}:{day.isoformat()}"


def kept_prescriptions_in_force(patient: PatientProfile, day: date) -> list[PrescribedExercise]:
    """``prescriptions_in_force`` for a patient loaded by the current request (so its
    ``plan_revision`` is the one in the database), read again only when the plan changed.

    Today is the page a patient opens most, and its plan changes only when the therapist
    changes it: this saves Today its costliest query. Kept in Django's cache (shared by the
    web processes) as pickled instances with their exercise and program. Not for a profile
    held since before a change to the plan (its revision would be an old one).
    """
    return list(
        cache.get_or_set(
            kept_plan_key(patient, day),
            lambda: prescriptions_in_force(patient, day),
            KEPT_PLAN_SECONDS,
        )
    )


def kept_prescription(
    patient: PatientProfile, day: date, prescribed_id: int
) -> PrescribedExercise | None:
    """One version of the patient's plan on ``day`` as kept in the cache, with its exercise
    and program; None when the plan is not kept (nothing is read) or does not hold it.

    A tick names the version it logs, almost always one of the plan Today just showed."""
    kept = cache.get(kept_plan_key(patient, day))
    return next((p for p in kept or () if p.pk == prescribed_id), None)


@dataclass(frozen=True)
class PlanItem:
    prescribed: PrescribedExercise
    occurrence: int
    log: ExerciseLog | None

    @property
    def key(self) -> str:
        return f"{self.prescribed.pk}-{self.occurrence}"

    @property
    def dom_id(self) -> str:
        """Stable across dosage edits (a new version keeps its line), so a page opened before
        an edit, or a submit resent later from the phone, still finds its place."""
        return f"item-{self.prescribed.line.hex}-{self.occurrence}"

    @property
    def is_done(self) -> bool:
        return self.log is not None and self.log.status == ExerciseLog.Status.DONE

    @property
    def is_skipped(self) -> bool:
        return self.log is not None and self.log.status == ExerciseLog.Status.SKIPPED


def plan_for_day(patient: PatientProfile, day: date, *, keep_plan: bool = False) -> list[PlanItem]:
    """Every occurrence due on ``day`` with its log, in three queries whatever the history.

    Exercises on chosen weekdays are due on those days. "N days a week" exercises are due
    each day until N days of the week (Monday to Sunday) have been done before ``day``.
    ``keep_plan``: see ``kept_prescriptions_in_force`` (for request paths).
    """
    read = kept_prescriptions_in_force if keep_plan else prescriptions_in_force
    prescriptions = [p for p in read(patient, day) if p.is_scheduled_on(day.weekday())]
    logs = {
        (log.line, log.occurrence): log
        for log in ExerciseLog.objects.filter(patient=patient, local_date=day).order_by()
    }
    flexible = [p.line for p in prescriptions if not p.weekdays and p.days_per_week < 7]
    days_done: dict[object, int] = {}
    if flexible:
        week_start = day - timedelta(days=day.weekday())
        rows = (
            ExerciseLog.objects.filter(
                patient=patient,
                line__in=flexible,
                status=ExerciseLog.Status.DONE,
                local_date__gte=week_start,
                local_date__lt=day,
            )
            .values("line")
            .annotate(days=Count("local_date", distinct=True))
        )
        days_done = {row["line"]: row["days"] for row in rows}
    return [
        PlanItem(prescribed=p, occurrence=n, log=logs.get((p.line, n)))
        for p in prescriptions
        if p.weekdays or p.days_per_week >= 7 or days_done.get(p.line, 0) < p.days_per_week
        for n in range(1, p.times_per_day + 1)
    ]


@dataclass(frozen=True)
class TodaySummary:
    """Everything the Today screen shows, read in a fixed number of queries."""

    day: date
    plan: list[PlanItem]
    open_session: Session | None  # today's session still in progress, if any
    finished_session: Session | None  # today's latest finished session, if any
    checkin: DailyCheckin | None

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.plan if item.is_done)

    @property
    def logged_count(self) -> int:
        return sum(1 for item in self.plan if item.log is not None)

    @property
    def all_logged(self) -> bool:
        return bool(self.plan) and self.logged_count == len(self.plan)


def today_for_patient(
    patient: PatientProfile, day: date, *, keep_plan: bool = False
) -> TodaySummary:
    """The plan, today's sessions and check-in: five queries at most, whatever the history
    (four when the plan is kept: see ``kept_prescriptions_in_force``).

    The day's few rows are put in order here rather than by the database: on a page this
    hot, an ORDER BY costs the ORM more to build than the sorting costs Python.
    """
    sessions = sorted(
        Session.objects.filter(patient=patient, local_date=day).order_by(),
        key=lambda s: s.started_at,
        reverse=True,
    )
    plan = plan_for_day(patient, day, keep_plan=keep_plan)
    try:
        checkin = DailyCheckin.objects.get(patient=patient, local_date=day)
    except DailyCheckin.DoesNotExist:
        checkin = None
    open_session = next((s for s in sessions if s.finished_at is None), None)
    finished = next((s for s in sessions if s.finished_at is not None), None)
    return TodaySummary(
        day=day,
        plan=plan,
        open_session=open_session,
        finished_session=finished,
        checkin=checkin,
    )
