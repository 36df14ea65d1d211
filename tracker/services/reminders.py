"""Daily reminders: claim who is due, then send at most one reminder per patient per local day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import DailyCheckin, Notification, PatientProfile, Session
from tracker.notify import Message, transport_for
from tracker.services.notifications import (
    notification_deliver,
    notification_give_up,
    notification_open,
)
from tracker.services.scheduling import next_local_occurrence, patient_schedule_refresh

CLAIM_BATCH = 2000


@dataclass(frozen=True)
class DueReminder:
    patient_id: int
    local_date: date


def reminders_claim_due(
    *, now: datetime | None = None, limit: int = CLAIM_BATCH
) -> list[DueReminder]:
    """Advance every due patient's next reminder and return who is due for which local day.

    Rows are locked (SKIP LOCKED on PostgreSQL; SQLite serialises writers), so two
    dispatchers running at once split the work instead of both taking it. A reminder whose
    local day is already over (the scheduler was down) is dropped, not sent late.
    """
    now = now or timezone.now()
    due: list[DueReminder] = []
    with transaction.atomic():
        rows = list(
            PatientProfile.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(next_reminder_at__lte=now, user__is_active=True)
            .order_by("next_reminder_at")[:limit]
        )
        advance: dict[datetime, list[int]] = defaultdict(list)
        for patient in rows:
            tz = patient.tzinfo
            local_date = patient.next_reminder_at.astimezone(tz).date()
            following = next_local_occurrence(
                patient.reminder_time, tz, after=max(now, patient.next_reminder_at)
            )
            advance[following].append(patient.pk)
            if local_date == now.astimezone(tz).date():
                due.append(DueReminder(patient.pk, local_date))
        # Patients sharing a time zone and reminder time share the next moment: one UPDATE each.
        for following, ids in advance.items():
            PatientProfile.objects.filter(pk__in=ids).update(next_reminder_at=following)
    return due


def reminders_schedule_missing(*, limit: int = CLAIM_BATCH) -> int:
    """Give a first reminder time to patients who have none yet (new or imported)."""
    patients = list(
        PatientProfile.objects.select_related("user").filter(
            next_reminder_at__isnull=True, user__is_active=True
        )[:limit]
    )
    for patient in patients:
        patient_schedule_refresh(patient=patient)
    return len(patients)


def reminder_message(patient: PatientProfile) -> Message:
    """Reminder text carries no health data: anyone may glance at a phone's lock screen."""
    url = f"{settings.REHABIT_SITE_URL}/today/"
    context = {"name": patient.user.display_name, "url": url}
    return Message(
        subject=_("A gentle nudge for today's exercises"),
        text=render_to_string("emails/reminder.txt", context),
        html=render_to_string("emails/reminder.html", context),
        url=url,
        tag="reminder",
        extra={"push_body": _("Whenever suits you today: your exercises and a quick check-in.")},
    )


def _logged_on(patient: PatientProfile, local_date: date) -> bool:
    return (
        DailyCheckin.objects.filter(patient=patient, local_date=local_date).exists()
        or Session.objects.filter(patient=patient, local_date=local_date).exists()
    )


def reminder_channels(patient: PatientProfile) -> list[str]:
    wanted = []
    if patient.remind_by_email:
        wanted.append(Notification.Channel.EMAIL)
    if patient.remind_by_push:
        wanted.append(Notification.Channel.PUSH)
    return [c for c in wanted if transport_for(c).available_for(patient.user)]


def reminder_key(patient_id: int, local_date: date, channel: str) -> str:
    return f"reminder:{patient_id}:{local_date.isoformat()}:{channel}"


def reminder_send(*, patient_id: int, local_date: date) -> list[Notification]:
    """Send the day's reminder unless the patient already logged something that day.

    Safe to run any number of times for the same patient and day: each channel's row is
    unique per patient, day and channel, and only the claim winner sends.
    """
    patient = PatientProfile.objects.select_related("user", "clinic").filter(pk=patient_id).first()
    if patient is None or not patient.user.is_active:
        return []
    if _logged_on(patient, local_date):
        return []
    message = reminder_message(patient)
    sent = []
    for channel in reminder_channels(patient):
        notification, _ = notification_open(
            key=reminder_key(patient.pk, local_date, channel),
            clinic=patient.clinic,
            recipient=patient.user,
            patient=patient,
            kind=Notification.Kind.REMINDER,
            channel=channel,
            subject=message.subject,
            local_date=local_date,
        )
        notification_deliver(notification=notification, message=message)
        sent.append(notification)
    return sent


def reminder_give_up(*, patient_id: int, local_date: date, error: str) -> None:
    """Retries are exhausted: the day's unsent reminders are recorded as failed."""
    for notification in Notification.objects.filter(
        patient_id=patient_id, local_date=local_date, kind=Notification.Kind.REMINDER
    ):
        notification_give_up(notification_id=notification.pk, error=error)
