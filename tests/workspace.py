"""Factories for the therapist-workspace tests: flags, and days of patient history."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Model
from django.utils import timezone

from tests.conftest import make_exercise, make_patient
from tracker.models import (
    Clinic,
    DailyCheckin,
    Exercise,
    ExerciseLog,
    Flag,
    FlagEvent,
    Notification,
    PatientProfile,
    PrescribedExercise,
    Program,
    PushSubscription,
    Session,
    User,
)
from tracker.selectors.plan import plan_for_day
from tracker.services.audit import audit_record
from tracker.services.flag_review import flag_acknowledge
from tracker.services.logbook import (
    CheckinValues,
    LogDetails,
    checkin_record,
    exercise_log_record,
    session_finish,
    session_start,
)
from tracker.services.prescribing import (
    DosageSpec,
    prescription_add,
    prescription_change_dosage,
    program_create,
)
from tracker.services.therapist_notes import note_add


def make_flag(
    patient: PatientProfile,
    kind: str = "pain_rising",
    severity: str = "medium",
    *,
    status: str = "open",
    summary: str = "Pain averaged 6.1 over the last 7 days, up from 3.4 (+2.7).",
) -> Flag:
    flag = Flag.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind=kind,
        severity=severity,
        status=status,
        resolution="cleared" if status == "resolved" else "",
        summary=summary,
        opened_on=patient.local_today() - timedelta(days=1),
    )
    FlagEvent.objects.create(
        flag=flag, action="opened", severity=severity, summary=summary, on_date=flag.opened_on
    )
    return flag


def exercise(slug: str, *, hold: bool = False) -> Exercise:
    found = Exercise.objects.filter(slug=slug, clinic__isnull=True).first()
    return found or make_exercise(slug, hold=hold)


def give_program(patient: PatientProfile, therapist: User, start: date) -> Program:
    program = program_create(
        patient=patient, therapist=therapist, title="Knee plan", start_date=start
    )
    for slug, hold in (("glute-bridge", False), ("hip-flexor-stretch", True)):
        ex = exercise(slug, hold=hold)
        prescription_add(
            program=program, exercise=ex, dosage=DosageSpec.from_exercise(ex), valid_from=start
        )
    return program


def live_days(
    patient: PatientProfile, days: int, *, pain: int = 3, symptoms: tuple[str, ...] = ()
) -> None:
    """``days`` days of check-ins and sessions ending yesterday, every exercise done."""
    today = patient.local_today()
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        checkin_record(
            patient=patient,
            local_date=day,
            values=CheckinValues(
                pain=pain,
                worst_pain=pain + 1,
                sleep_hours=Decimal("7.5"),
                sleep_quality=6,
                stress=4,
            ),
            allow_past=True,
        )
        plan = plan_for_day(patient, day)
        if not plan:
            continue
        session = session_start(
            patient=patient,
            client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{patient.pk}:{day}"),
            pain_before=pain,
            local_date=day,
        )
        for item in plan:
            exercise_log_record(
                session=session,
                prescribed=item.prescribed,
                occurrence=item.occurrence,
                status="done",
                details=LogDetails(
                    sets_done=item.prescribed.sets,
                    reps_done=item.prescribed.reps,
                    hold_seconds_done=item.prescribed.hold_seconds,
                    pain_during=pain,
                    symptoms=symptoms,
                ),
            )
        session_finish(session=session, pain_after=pain + 1)


def bulk_history(patient: PatientProfile, days: int, *, pain: int = 3) -> None:
    """Like ``live_days`` but written in bulk: fast enough for 50 patients with a history."""
    today = patient.local_today()
    prescriptions = list(
        PrescribedExercise.objects.filter(program__patient=patient, valid_to__isnull=True)
    )
    program = prescriptions[0].program if prescriptions else None
    logged = set(DailyCheckin.objects.filter(patient=patient).values_list("local_date", flat=True))
    checkins, sessions = [], []
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        if day in logged:  # days already lived stay as they were
            continue
        checkins.append(
            DailyCheckin(
                clinic_id=patient.clinic_id, patient=patient, local_date=day, pain=pain,
                worst_pain=pain + 1, sleep_hours=Decimal("7.5"), sleep_quality=6, stress=4,
            )
        )  # fmt: skip
        sessions.append(
            Session(
                clinic_id=patient.clinic_id, patient=patient, program=program, local_date=day,
                started_at=timezone.now() - timedelta(days=back), pain_before=pain,
                pain_after=pain + 1,
            )
        )  # fmt: skip
    DailyCheckin.objects.bulk_create(checkins)
    Session.objects.bulk_create(sessions)
    logs = [
        ExerciseLog(
            clinic_id=patient.clinic_id,
            session=session,
            patient=patient,
            local_date=session.local_date,
            prescribed=rx,
            line=rx.line,
            exercise_id=rx.exercise_id,
            occurrence=n,
            status="done",
            pain_during=pain,
            **rx.target_snapshot(),
        )  # fmt: skip
        for session in sessions
        for rx in prescriptions
        for n in range(1, rx.times_per_day + 1)
    ]
    ExerciseLog.objects.bulk_create(logs)


def caseload_of(
    clinic: Clinic, therapist: User, count: int, *, history_days: int = 3, prefix: str = "p"
) -> list[PatientProfile]:
    """``count`` patients of ``therapist``, each with a program, history and an open flag."""
    patients = []
    for n in range(count):
        patient = make_patient(f"{prefix}{n}@caseload.test", clinic, therapist)
        give_program(patient, therapist, patient.local_today() - timedelta(days=history_days + 1))
        bulk_history(patient, history_days)
        make_flag(patient, "pain_rising", "high" if n % 2 else "low")
        patients.append(patient)
    return patients


def reload(obj: Model) -> Model:
    obj.refresh_from_db()
    return obj


def full_record(patient: PatientProfile, therapist: User, *, days: int = 3) -> dict[str, Model]:
    """A patient with a row in every model that holds their data: a program whose dosage
    changed, days of sessions and check-ins, a skipped exercise, a flag a therapist acted on,
    a care-team note, reminders, a flag alert to the therapist, a phone subscribed to push,
    and audit events about the record."""
    today = patient.local_today()
    program = give_program(patient, therapist, today - timedelta(days=days + 1))
    live_days(patient, days, pain=4, symptoms=("aching", "tingling"))
    bridge = program.prescriptions.get(exercise__slug="glute-bridge", valid_to__isnull=True)
    prescription_change_dosage(
        prescription=bridge,
        dosage=DosageSpec(sets=3, reps=15, hold_seconds=None),
        notes="Slow on the way down",
        effective_on=today,
    )
    skipped = ExerciseLog.objects.filter(patient=patient).order_by("id").first()
    ExerciseLog.objects.filter(pk=skipped.pk).update(
        status="skipped", skip_reason="=knee too sore", sets_done=None, reps_done=None
    )
    flag = make_flag(patient, "pain_spike", "medium")
    flag_acknowledge(flag=flag, therapist=therapist, note="Called; settling already")
    note = note_add(patient=patient, author=therapist, text="Responds well to bridges")
    reminder = Notification.objects.create(
        clinic=patient.clinic, recipient=patient.user, patient=patient, kind="reminder",
        channel="email", idempotency_key=f"reminder:{patient.pk}:{today}:email", status="sent",
        subject="Time for your exercises", sent_at=timezone.now(),
    )  # fmt: skip
    alert = Notification.objects.create(
        clinic=patient.clinic, recipient=therapist, patient=patient, kind="flag_alert",
        channel="email", idempotency_key=f"flag-alert:{flag.pk}", status="sent",
        subject=f"High flag: {patient.user.display_name} — Pain spike",
    )  # fmt: skip
    push = PushSubscription.objects.create(
        user=patient.user, endpoint=f"https://push.example.test/send/{patient.pk}-secret-token",
        p256dh="BNc-public-key", auth="auth-secret",
    )  # fmt: skip
    audit_record(action="patient.viewed", actor=therapist, patient=patient, detail={"days": 28})
    return {
        "program": program,
        "flag": flag,
        "note": note,
        "reminder": reminder,
        "alert": alert,
        "push": push,
    }


def dosage_post(rx: PrescribedExercise, **overrides: object) -> dict[str, object]:
    """The program builder's dosage form for one prescription, as posted, with changes."""
    data: dict[str, object] = {
        "sets": rx.sets,
        "amount": rx.hold_seconds or rx.reps,
        "amount_kind": "hold" if rx.hold_seconds else "reps",
        "times_per_day": rx.times_per_day,
        "days_per_week": rx.days_per_week,
        "side": rx.side,
        "notes": rx.notes,
    }
    data.update(overrides)
    return {f"rx{rx.pk}-{k}": v for k, v in data.items() if v is not None}
