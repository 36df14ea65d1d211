"""Writing what the patient logs. Every write is idempotent under retries and double taps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import DailyCheckin, ExerciseLog, PatientProfile, PrescribedExercise, Session
from tracker.services.evaluation import patient_logged


@transaction.atomic
def session_start(
    *,
    patient: PatientProfile,
    client_id: uuid.UUID,
    pain_before: int | None,
    local_date: date | None = None,
    started_at: datetime | None = None,
) -> Session:
    """Open a session, or return the one this client id already made (a retried submit)."""
    try:
        existing = Session.objects.get(client_id=client_id)
    except Session.DoesNotExist:
        existing = None
    if existing is not None:
        if existing.patient_id != patient.pk:
            # Another patient's id: never reveal or touch their session.
            raise ValidationError(_("This session could not be started. Please try again."))
        if existing.pain_before is None and pain_before is not None:
            # The session was opened by ticking an exercise first; the rating comes later.
            existing.pain_before = pain_before
            existing.save(update_fields=["pain_before", "updated_at"])
        return existing
    program = patient.programs.filter(status="active").first()
    session = Session(
        clinic_id=patient.clinic_id,
        patient=patient,
        program=program,
        client_id=client_id,
        local_date=local_date or patient.local_today(),
        started_at=started_at or timezone.now(),
        pain_before=pain_before,
    )
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        # A concurrent duplicate of the same submit won the race; theirs is ours.
        return Session.objects.get(client_id=client_id, patient=patient)
    return session


@transaction.atomic  # the finish and the patient's evaluation due time land together
def session_finish(
    *,
    session: Session,
    pain_after: int | None,
    notes: str = "",
    finished_at: datetime | None = None,
) -> Session:
    """Close a session. Finishing twice keeps the first finish time and the latest rating."""
    session.pain_after = pain_after
    if notes:
        session.notes = notes
    if session.finished_at is None:
        session.finished_at = finished_at or timezone.now()
    session.save(update_fields=["pain_after", "notes", "finished_at", "updated_at"])
    if finished_at is None:  # a live finish, not a history fill: judge the new numbers now
        patient_logged(patient=session.patient)
    return session


@dataclass(frozen=True)
class LogDetails:
    sets_done: int | None = None
    reps_done: int | None = None
    hold_seconds_done: int | None = None
    pain_during: int | None = None
    symptoms: tuple[str, ...] = ()
    skip_reason: str = ""


# Inside a caller's transaction no savepoint of its own: a refused tap rolls the caller's
# back anyway, and each savepoint is two more round trips on the busiest write there is.
@transaction.atomic(savepoint=False)
def exercise_log_record(
    *,
    session: Session,
    prescribed: PrescribedExercise,
    occurrence: int,
    status: str,
    details: LogDetails | None = None,
) -> ExerciseLog:
    """Mark one occurrence of a prescribed exercise done or skipped for the session's day.

    Keyed by (patient, prescription line, day, occurrence): a second tap updates the same
    row. The prescribed target is copied once, when the row is first made.
    """
    if prescribed.program.patient_id != session.patient_id:
        raise ValidationError(_("This exercise is not in your program."))
    if not 1 <= occurrence <= prescribed.times_per_day:
        raise ValidationError(_("This exercise is not due that many times today."))
    details = details or LogDetails()
    values = {
        "session": session,
        "status": status,
        "skip_reason": details.skip_reason if status == ExerciseLog.Status.SKIPPED else "",
        "sets_done": details.sets_done,
        "reps_done": details.reps_done,
        "hold_seconds_done": details.hold_seconds_done,
        "pain_during": details.pain_during,
        "symptoms": sorted(set(details.symptoms)),
    }
    key = {
        "patient_id": session.patient_id,
        "line": prescribed.line,
        "local_date": session.local_date,
        "occurrence": occurrence,
    }
    log, _created = _upsert(
        ExerciseLog,
        key,
        changes=values,
        # The target is copied once, when the row is made; a tap changes only the values.
        new_row={
            "clinic_id": session.clinic_id,
            "prescribed": prescribed,
            "exercise_id": prescribed.exercise_id,
            **prescribed.target_snapshot(),
        },
    )
    return log


def _upsert[M: models.Model](
    model: type[M], key: dict[str, Any], *, changes: dict[str, Any], new_row: dict[str, Any]
) -> tuple[M, bool]:
    """The row ``key`` names, locked, with ``changes`` written (and ``updated_at``); made
    from ``key``, ``new_row`` and ``changes`` when there is none. Returns (row, created).

    update_or_create without its savepoint on the usual path, an edit of an existing row;
    only making a row takes one, so that a copy of the same submit racing this one past the
    lookup ends as an edit of the row it made, not as an error.
    """
    locked = model._default_manager.select_for_update()
    try:
        row = locked.get(**key)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        row = model(**key, **new_row, **changes)
        try:
            with transaction.atomic():
                row.save()
            return row, True
        except IntegrityError:
            row = locked.get(**key)
    for name, value in changes.items():
        setattr(row, name, value)
    row.save(update_fields=[*changes, "updated_at"])
    return row, False


@dataclass(frozen=True)
class CheckinValues:
    pain: int
    worst_pain: int
    sleep_hours: Decimal
    sleep_quality: int
    stress: int
    note: str = ""


@transaction.atomic  # the check-in and the patient's evaluation due time land together
def checkin_record(
    *,
    patient: PatientProfile,
    local_date: date,
    values: CheckinValues,
    allow_past: bool = False,
) -> tuple[DailyCheckin, bool]:
    """Save the day's check-in (one per local day, editable that day). Returns (row, created).

    Without ``allow_past`` an earlier day is read-only, with two exceptions that keep a
    phone's offline submits from being lost: yesterday's check-in may still arrive if there
    is none yet (it was kept on the phone over midnight), and a resend of exactly what is
    already saved succeeds without changing anything.
    """
    today = patient.local_today()
    if local_date > today:
        raise ValidationError({"local_date": _("A check-in can't be for a day that hasn't come.")})
    if local_date < today and not allow_past:
        existing = DailyCheckin.objects.filter(patient=patient, local_date=local_date).first()
        if existing is not None and checkin_matches(existing, values):
            return existing, False
        late_arrival = existing is None and local_date == today - timedelta(days=1)
        if not late_arrival:
            raise ValidationError(
                {"local_date": _("Only today's check-in can be changed; earlier days are kept.")}
            )
    answers = {
        "pain": values.pain,
        "worst_pain": values.worst_pain,
        "sleep_hours": values.sleep_hours,
        "sleep_quality": values.sleep_quality,
        "stress": values.stress,
        "note": values.note,
    }
    checkin, created = _upsert(
        DailyCheckin,
        {"patient": patient, "local_date": local_date},
        changes=answers,
        new_row={"clinic_id": patient.clinic_id},
    )
    if not allow_past:  # live check-ins only; imports and history fills are judged nightly
        patient_logged(patient=patient)
    return checkin, created


def checkin_matches(checkin: DailyCheckin, values: CheckinValues) -> bool:
    """Does the saved check-in already hold exactly these answers?"""
    return (
        checkin.pain == values.pain
        and checkin.worst_pain == values.worst_pain
        and Decimal(checkin.sleep_hours) == Decimal(values.sleep_hours)
        and checkin.sleep_quality == values.sleep_quality
        and checkin.stress == values.stress
        and checkin.note == values.note
    )
