"""Demo clinic with believable history, written through the same services as real use.

Deterministic: each day's numbers come from a generator seeded by patient and date, and a
day already logged is left alone, so running it again adds nothing (and on a later day only
fills in the days since).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tracker.models import (
    Clinic,
    DailyCheckin,
    PatientProfile,
    ProgramMeasure,
    ProgramTemplate,
    User,
)
from tracker.outcomes.schedule import occasions
from tracker.selectors.plan import plan_for_day
from tracker.services.logbook import (
    CheckinValues,
    LogDetails,
    checkin_record,
    exercise_log_record,
    session_finish,
    session_start,
)
from tracker.services.outcomes import current_questionnaire, response_record
from tracker.services.prescribing import program_create

DEMO_CLINIC = "Demo Clinic"
DEMO_PASSWORD = "rehabit-demo"
DEMO_THERAPIST = "therapist@rehabit.test"
DEMO_PATIENT = "patient@rehabit.test"
HISTORY_DAYS = 56  # eight weeks
DEMO_NAMESPACE = uuid.UUID("6f1d6f0e-2b7a-4c36-9a51-3f4f1c0de0a1")
PREFERRED_TEMPLATE = "knee-as-movement-problem"


@dataclass(frozen=True)
class DayShape:
    """What a day looked like for a demo patient, before noise."""

    pain: float
    sleep_hours: float
    sleep_quality: float
    stress: float
    adherence: float  # chance each due exercise is done
    active: bool = True  # False: the patient logged nothing that day


Trajectory = Callable[[int], DayShape]  # day index 0 … HISTORY_DAYS-1 → shape


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * max(0.0, min(1.0, t))


def improving(d: int) -> DayShape:
    t = d / HISTORY_DAYS
    return DayShape(_lerp(6, 2.2, t), _lerp(6.5, 7.5, t), _lerp(5, 7, t), _lerp(5, 3, t), 0.9)


def steady(d: int) -> DayShape:
    return DayShape(3.2, 7.2, 6.5, 3.5, 0.8)


def pain_rises_as_sleep_worsens(d: int) -> DayShape:
    t = (d - 35) / 21  # the last three weeks
    return DayShape(_lerp(3, 6.3, t), _lerp(7.5, 5.0, t), _lerp(7, 3, t), _lerp(3.5, 4.5, t), 0.8)


def stress_then_pain(d: int) -> DayShape:
    t = (d - 38) / 18
    return DayShape(_lerp(2.8, 5.8, t), 7.0, _lerp(6.5, 5.5, t), _lerp(3, 7.5, t), 0.75)


def went_quiet(d: int) -> DayShape:
    return DayShape(3.5, 7, 6, 4, 0.75, active=d < HISTORY_DAYS - 10)


def falling_adherence(d: int) -> DayShape:
    t = (d - 34) / 10
    return DayShape(3.4, 7, 6, 4, _lerp(0.9, 0.1, t))


@dataclass(frozen=True)
class DemoPatient:
    email: str
    name: str
    timezone: str
    condition: str
    trajectory: Trajectory


DEMO_PATIENTS = [
    DemoPatient(DEMO_PATIENT, "Alex Rivera", "Europe/London", "Chronic knee pain", improving),
    DemoPatient(
        "sam.lee@rehabit.test", "Sam Lee", "America/New_York", "Chronic knee pain", improving
    ),
    DemoPatient(
        "jordan.kim@rehabit.test",
        "Jordan Kim",
        "America/Denver",
        "Knee pain, poor sleep",
        pain_rises_as_sleep_worsens,
    ),
    DemoPatient(
        "priya.shah@rehabit.test",
        "Priya Shah",
        "Europe/Berlin",
        "Knee pain with work stress",
        stress_then_pain,
    ),
    DemoPatient(
        "casey.morgan@rehabit.test",
        "Casey Morgan",
        "Europe/Dublin",
        "Chronic knee pain",
        went_quiet,
    ),
    DemoPatient(
        "riley.chen@rehabit.test",
        "Riley Chen",
        "Australia/Sydney",
        "Knee pain after a fall",
        falling_adherence,
    ),
    DemoPatient(
        "taylor.brooks@rehabit.test",
        "Taylor Brooks",
        "Europe/London",
        "Patellofemoral pain",
        steady,
    ),
]


def _user(email: str, *, clinic: Clinic, role: str, name: str, tz: str, admin: bool) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            clinic=clinic,
            role=role,
            full_name=name,
            timezone=tz,
            is_clinic_admin=admin,
        )
    return user


def _rating(rng: random.Random, centre: float, spread: float = 0.8) -> int:
    return max(0, min(10, round(rng.gauss(centre, spread))))


def _sleep(rng: random.Random, centre: float) -> Decimal:
    half_hours = max(0, min(32, round(rng.gauss(centre, 0.6) * 2)))
    return Decimal(half_hours) / 2


def _fill_day(profile: PatientProfile, day: date, shape: DayShape) -> bool:
    """Log one day of the patient's life; False when they logged nothing that day."""
    rng = random.Random(f"{profile.user.email}:{day.isoformat()}")
    if not shape.active:
        return False
    pain = _rating(rng, shape.pain)
    # Most patients check in most days; a few days are missed, as in real life.
    checked_in = rng.random() < 0.9
    if checked_in:
        checkin_record(
            patient=profile,
            local_date=day,
            values=CheckinValues(
                pain=pain,
                worst_pain=min(10, pain + rng.choice([0, 1, 1, 2])),
                sleep_hours=_sleep(rng, shape.sleep_hours),
                sleep_quality=_rating(rng, shape.sleep_quality),
                stress=_rating(rng, shape.stress),
            ),
            allow_past=True,
        )
    plan = plan_for_day(profile, day)
    to_do = [item for item in plan if rng.random() < shape.adherence]
    if not to_do:
        return checked_in
    local_start = datetime.combine(day, time(18, rng.randrange(0, 50)), tzinfo=profile.tzinfo)
    session = session_start(
        patient=profile,
        client_id=uuid.uuid5(DEMO_NAMESPACE, f"{profile.user.email}:{day.isoformat()}"),
        pain_before=pain,
        local_date=day,
        started_at=local_start,
    )
    for item in to_do:
        p = item.prescribed
        exercise_log_record(
            session=session,
            prescribed=p,
            occurrence=item.occurrence,
            status="done",
            details=LogDetails(
                sets_done=p.sets,
                reps_done=p.reps,
                hold_seconds_done=p.hold_seconds,
                pain_during=_rating(rng, shape.pain - 0.5),
            ),
        )
    session_finish(
        session=session,
        pain_after=max(0, min(10, pain + rng.choice([-1, 0, 0, 1]))),
        finished_at=local_start + timedelta(minutes=15 + len(to_do) * 2),
    )
    return True


@transaction.atomic
def demo_build(*, today: date | None = None) -> dict[str, int]:
    """Create (or top up) the demo clinic. Returns counts of what was added."""
    clinic, _ = Clinic.objects.get_or_create(name=DEMO_CLINIC)
    therapist = _user(
        DEMO_THERAPIST,
        clinic=clinic,
        role=User.Role.THERAPIST,
        name="Dr. Robin Hale",
        tz="Europe/London",
        admin=True,
    )
    template = (
        ProgramTemplate.objects.filter(clinic__isnull=True, slug=PREFERRED_TEMPLATE).first()
        or ProgramTemplate.objects.filter(clinic__isnull=True).order_by("pk").first()
    )
    if template is None:
        raise RuntimeError("Load the exercise library first: python manage.py seed_library")
    added = {"patients": 0, "days": 0}
    for spec in DEMO_PATIENTS:
        user = _user(
            spec.email,
            clinic=clinic,
            role=User.Role.PATIENT,
            name=spec.name,
            tz=spec.timezone,
            admin=False,
        )
        profile, created = PatientProfile.objects.get_or_create(
            user=user,
            defaults={"clinic": clinic, "therapist": therapist, "condition": spec.condition},
        )
        local_today = today or profile.local_today()
        first_day = local_today - timedelta(days=HISTORY_DAYS)
        if created:
            added["patients"] += 1
            profile.invited_at = profile.invite_accepted_at = timezone.now()
            profile.save(update_fields=["invited_at", "invite_accepted_at"])
        if not profile.programs.exists():
            program_create(
                patient=profile,
                therapist=therapist,
                title=template.name,
                goal=template.goal,
                start_date=first_day,
                template=template,
            )
        start = profile.programs.order_by("start_date").first().start_date  # type: ignore[union-attr]
        logged = set(
            DailyCheckin.objects.filter(patient=profile).values_list("local_date", flat=True)
        )
        logged |= set(profile.sessions.values_list("local_date", flat=True))
        for offset in range((local_today - start).days):
            day = start + timedelta(days=offset)
            if day in logged or day >= local_today:
                continue
            if _fill_day(profile, day, spec.trajectory(offset)):
                added["days"] += 1
        _function_answers(profile, spec, local_today)
    return added


DEMO_ACTIVITIES = {"a1": "Climb the stairs", "a2": "Kneel in the garden", "a3": "Walk 30 minutes"}


def _function_answers(profile: PatientProfile, spec: DemoPatient, local_today: date) -> None:
    """The PSFS every 14 days from the program's start, answered up to yesterday; the one
    due today is left for the patient (a card on Today). Nothing without the built-ins."""
    psfs = current_questionnaire("psfs")
    program = profile.programs.order_by("start_date").first()
    if psfs is None or program is None:
        return
    measure, _ = ProgramMeasure.objects.get_or_create(
        program=program, questionnaire__slug="psfs", defaults={"questionnaire": psfs}
    )
    for due in occasions(
        program.start_date, at_start=True, every_days=14, discharge_on=None, until=local_today
    ):
        if due.due_on >= local_today:
            continue
        offset = (due.due_on - program.start_date).days
        rng = random.Random(f"psfs:{spec.email}:{due.due_on.isoformat()}")
        # Everyday function mirrors pain: easier activities as pain settles.
        centre = 10 - spec.trajectory(offset).pain * 1.1
        answers = {key: _rating(rng, centre + shift, 0.7) for key, shift in
                   zip(DEMO_ACTIVITIES, (-1.0, -0.5, 0.5), strict=True)}  # fmt: skip
        response_record(
            patient=profile,
            questionnaire=psfs,
            measure=measure,
            client_id=uuid.uuid5(DEMO_NAMESPACE, f"psfs:{spec.email}:{due.due_on.isoformat()}"),
            local_date=due.due_on,
            due_on=due.due_on,
            occasion=due.occasion.value,
            answers=answers,
            activities=dict(DEMO_ACTIVITIES),
        )
