"""Everything Rehabit holds about one patient, for the patient's own download.

A patient may ask for all their data at any time (GDPR art. 15 and 20, HIPAA right of
access). The whole history is read in a fixed number of queries, however long it is, and
comes out as plain values: dates and times in ISO 8601 (times in UTC), decimals as strings,
so the file reads the same in any language or spreadsheet.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Prefetch, Q
from django.utils import timezone

from tracker.models import (
    AuditEvent,
    DailyCheckin,
    DeletionRequest,
    ExerciseLog,
    Flag,
    FlagEvent,
    Notification,
    PatientProfile,
    PrescribedExercise,
    PushSubscription,
    Session,
    TherapistNote,
    User,
)
from tracker.models.operations import AUDIT_ACTIONS
from tracker.selectors.adherence import adherence_history
from tracker.selectors.export import programs_with_versions
from tracker.selectors.outcomes import response_as_dict, responses_for_export

FORMAT_VERSION = 1
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def iso(value: date | datetime | time | None) -> str | None:
    """A date, time or UTC moment in ISO 8601; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value.isoformat()


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def weekday_names(mask: int) -> list[str]:
    """The chosen weekdays of a dosage; an empty list means "any days, N a week"."""
    return [name for bit, name in enumerate(WEEKDAY_NAMES) if mask & (1 << bit)]


def person(user: User | None, *, with_email: bool = False) -> dict[str, str] | None:
    if user is None:
        return None
    shown = {"name": user.full_name or user.display_name}
    if with_email:
        shown["email"] = user.email
    return shown


def _prescription(rx: PrescribedExercise) -> dict[str, Any]:
    return {
        "id": rx.pk,
        "exercise": {"slug": rx.exercise.slug, "name": rx.exercise.name},
        "order": rx.order,
        "sets": rx.sets,
        "reps": rx.reps,
        "hold_seconds": rx.hold_seconds,
        "times_per_day": rx.times_per_day,
        "days_per_week": rx.days_per_week,
        "weekdays": weekday_names(rx.weekdays),
        "side": rx.side,
        "therapist_notes": rx.notes,
        # Each dosage change is a new version: valid_to is exclusive, None while in force.
        "in_force_from": iso(rx.valid_from),
        "in_force_until": iso(rx.valid_to),
    }


def _programs(patient: PatientProfile) -> list[dict[str, Any]]:
    programs = programs_with_versions(patient)
    return [
        {
            "id": p.pk,
            "title": p.title,
            "goal": p.goal,
            "status": p.status,
            "start_date": iso(p.start_date),
            "phase_end_date": iso(p.phase_end_date),
            "prescribed_by": person(p.therapist),
            "created_at": iso(p.created_at),
            "updated_at": iso(p.updated_at),
            "prescriptions": [_prescription(rx) for rx in p.prescriptions.all()],
        }
        for p in programs
    ]


def _log(log: ExerciseLog) -> dict[str, Any]:
    return {
        "id": log.pk,
        "date": iso(log.local_date),
        "exercise": {"slug": log.exercise.slug, "name": log.exercise.name},
        "prescription_id": log.prescribed_id,
        "occurrence": log.occurrence,
        "status": log.status,
        "skip_reason": log.skip_reason,
        "sets_done": log.sets_done,
        "reps_done": log.reps_done,
        "hold_seconds_done": log.hold_seconds_done,
        "pain_during": log.pain_during,
        "symptoms": list(log.symptoms),
        # The dosage as it was prescribed when this was logged.
        "target": {
            "sets": log.target_sets,
            "reps": log.target_reps,
            "hold_seconds": log.target_hold_seconds,
            "times_per_day": log.target_times_per_day,
            "side": log.target_side,
        },
        "logged_at": iso(log.created_at),
    }


def _sessions(patient: PatientProfile) -> list[dict[str, Any]]:
    # Two flat queries rather than a prefetch: the logs carry the patient, so neither query
    # needs a list of ids that grows with the history.
    logs_by_session: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for log in (
        ExerciseLog.objects.filter(patient=patient)
        .select_related("exercise")
        .order_by("local_date", "occurrence", "exercise__name", "id")
    ):
        logs_by_session[log.session_id].append(_log(log))
    return [
        {
            "id": s.pk,
            "date": iso(s.local_date),
            "program_id": s.program_id,
            "started_at": iso(s.started_at),
            "finished_at": iso(s.finished_at),
            "pain_before": s.pain_before,
            "pain_after": s.pain_after,
            "notes": s.notes,
            "exercise_logs": logs_by_session.get(s.pk, []),
        }
        for s in Session.objects.filter(patient=patient).order_by("local_date", "started_at", "id")
    ]


def _checkins(patient: PatientProfile) -> list[dict[str, Any]]:
    return [
        {
            "date": iso(c.local_date),
            "pain": c.pain,
            "worst_pain": c.worst_pain,
            "sleep_hours": decimal_text(c.sleep_hours),
            "sleep_quality": c.sleep_quality,
            "stress": c.stress,
            "note": c.note,
            "created_at": iso(c.created_at),
            "updated_at": iso(c.updated_at),
        }
        for c in DailyCheckin.objects.filter(patient=patient).order_by("local_date")
    ]


def _flag_event(event: FlagEvent) -> dict[str, Any]:
    return {
        "action": event.action,
        "severity": event.severity,
        "on_date": iso(event.on_date),
        "at": iso(event.at),
        "by": person(event.actor),
        "summary": event.summary,
        "note": event.note,
    }


def _flags(patient: PatientProfile) -> list[dict[str, Any]]:
    flags = (
        Flag.objects.filter(patient=patient)
        .select_related("acknowledged_by", "resolved_by")
        .prefetch_related(
            Prefetch("events", queryset=FlagEvent.objects.select_related("actor").order_by("at"))
        )
        .order_by("opened_at", "id")
    )
    return [
        {
            "id": f.pk,
            "kind": f.kind,
            "kind_label": str(f.get_kind_display()),
            "severity": f.severity,
            "status": f.status,
            "resolution": f.resolution,
            "summary": f.summary,
            "evidence": f.evidence,
            "opened_on": iso(f.opened_on),
            "opened_at": iso(f.opened_at),
            "escalated_at": iso(f.escalated_at),
            "acknowledged_at": iso(f.acknowledged_at),
            "acknowledged_by": person(f.acknowledged_by),
            "resolved_at": iso(f.resolved_at),
            "resolved_by": person(f.resolved_by),
            "note": f.note,
            "events": [_flag_event(e) for e in f.events.all()],
        }
        for f in flags
    ]


def _care_team_notes(patient: PatientProfile) -> list[dict[str, Any]]:
    notes = TherapistNote.objects.filter(patient=patient).select_related("author")
    return [
        {"written_at": iso(n.created_at), "by": person(n.author), "text": n.text}
        for n in notes.order_by("created_at", "id")
    ]


def _notifications(user: User) -> list[dict[str, Any]]:
    # What was sent and how it went; idempotency keys and delivery errors are internal.
    return [
        {
            "kind": n.kind,
            "channel": n.channel,
            "for_date": iso(n.local_date),
            "status": n.status,
            "created_at": iso(n.created_at),
            "sent_at": iso(n.sent_at),
        }
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
    ]


def _push_subscriptions(user: User) -> list[dict[str, Any]]:
    # The endpoint's host says which browser service delivers; the rest of the URL and the
    # keys are credentials for sending to this phone and stay out of the file.
    return [
        {"service": urlsplit(p.endpoint).hostname or "", "created_at": iso(p.created_at)}
        for p in PushSubscription.objects.filter(user=user).order_by("created_at", "id")
    ]


def _audit_trail(patient: PatientProfile) -> list[dict[str, Any]]:
    """Who viewed or changed the record, and the patient's own sign-ins and requests."""
    events = (
        AuditEvent.objects.filter(Q(patient=patient) | Q(actor_id=patient.user_id))
        .select_related("actor")
        .order_by("at", "id")
    )
    return [
        {
            "at": iso(e.at),
            "action": e.action,
            "what": str(AUDIT_ACTIONS.get(e.action, e.action)),
            "by": (
                {"name": e.actor.full_name if e.actor else "", "email": e.actor_email}
                if e.actor_email
                else None  # done by Rehabit itself, e.g. a nightly trend check
            ),
            "detail": e.detail,
        }
        for e in events
    ]


def _deletion_requests(patient: PatientProfile) -> list[dict[str, Any]]:
    return [
        {
            "requested_at": iso(r.requested_at),
            "status": r.status,
            "reason": r.reason,
            "decided_at": iso(r.decided_at),
            "decided_by": person(r.decided_by),
            "decision_note": r.decision_note,
        }
        for r in DeletionRequest.objects.filter(patient=patient)
        .select_related("decided_by")
        .order_by("requested_at", "id")
    ]


def _adherence(patient: PatientProfile) -> dict[str, Any]:
    figures, days = adherence_history(patient)
    return {
        "last_7_days_to_yesterday_percent": figures.adherence_7d,
        "last_28_days_to_yesterday_percent": figures.adherence_28d,
        "by_day": [
            {
                "date": iso(day.day),
                "occurrences_due": round(day.due, 2),
                "occurrences_done": round(day.done, 2),
                "everything_done": day.everything_done,
            }
            for day in days
        ],
    }


def patient_data(patient: PatientProfile) -> dict[str, Any]:
    """The whole record of one patient as plain JSON-ready values."""
    user = patient.user
    return {
        "about": {
            "format": "Rehabit patient data",
            "version": FORMAT_VERSION,
            "exported_at": iso(timezone.now()),
            "patient_ref": str(patient.pk),
        },
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "time_zone": user.timezone,
            "joined_at": iso(user.date_joined),
            "last_login_at": iso(user.last_login),
            "two_factor_sign_in": user.has_two_factor,
            "invited_at": iso(patient.invited_at),
            "invite_accepted_at": iso(patient.invite_accepted_at),
            "reminders": {
                "time": iso(patient.reminder_time),
                "by_email": patient.remind_by_email,
                "by_push": patient.remind_by_push,
            },
            "profile_created_at": iso(patient.created_at),
            "profile_updated_at": iso(patient.updated_at),
        },
        "care": {
            "clinic": patient.clinic.name,
            "therapist": person(patient.therapist),
            "condition": patient.condition,
            "notes": patient.notes,
        },
        "programs": _programs(patient),
        "sessions": _sessions(patient),
        "checkins": _checkins(patient),
        "adherence": _adherence(patient),
        "flags": _flags(patient),
        "outcome_measures": [response_as_dict(r) for r in responses_for_export(patient)],
        "goals": [
            {
                "activity": g.activity,
                "baseline": g.baseline,
                "target": g.target,
                "by": iso(g.target_date),
                "set_at": iso(g.created_at),
            }
            for g in patient.goals.order_by("target_date", "id")
        ],
        "notes_by_your_care_team": _care_team_notes(patient),
        "notifications": _notifications(user),
        "push_subscriptions": _push_subscriptions(user),
        "audit_trail": _audit_trail(patient),
        "deletion_requests": _deletion_requests(patient),
    }
