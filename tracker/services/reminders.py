"""Daily reminders: claim who is due, then send at most one reminder per patient per local day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import DailyCheckin, Notification, PatientProfile, Session
from tracker.notify import Message, TransientError, transport_for
from tracker.selectors.outcomes import due_measures
from tracker.services.branding import clinic_email_look
from tracker.services.notifications import (
    OPEN,
    notification_deliver,
    notification_give_up,
    notification_open,
    notifications_owe,
    notifications_skip,
)
from tracker.services.scheduling import (
    local_moment,
    next_local_occurrence,
    patient_schedule_refresh,
)

CLAIM_BATCH = 2000
# A reminder held up (workers down, the broker away) may still go out late, but not into
# the night: after 21:00 local it is skipped, unless it fell due less than half an hour ago
# (a patient who chose a late reminder time still gets it). Never on another day.
LATE_CUTOFF = time(21, 0)
LATE_GRACE = timedelta(minutes=30)
TOO_LATE = "too late"
LOGGED = "logged"


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

    Each due reminder's rows (one per channel) are written as owed in the same transaction
    that moves the patient's next reminder on: "reminded today" is never committed without a
    durable record of what is still to send, whatever happens to the task that sends it.
    """
    now = now or timezone.now()
    due: list[DueReminder] = []
    owed: list[Notification] = []
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
                owed += reminder_rows(patient, local_date)
        # Patients sharing a time zone and reminder time share the next moment: one UPDATE each.
        for following, ids in advance.items():
            PatientProfile.objects.filter(pk__in=ids).update(next_reminder_at=following)
        notifications_owe(owed)
    return due


def reminder_rows(patient: PatientProfile, local_date: date) -> list[Notification]:
    """The unsaved rows of the day's reminder, one per channel the patient can receive."""
    subject = _("A gentle nudge for today's exercises")
    return [
        Notification(
            idempotency_key=reminder_key(patient.pk, local_date, channel),
            clinic_id=patient.clinic_id,
            recipient_id=patient.user_id,
            patient=patient,
            kind=Notification.Kind.REMINDER,
            channel=channel,
            subject=subject,
            local_date=local_date,
        )
        for channel in reminder_channels(patient)
    ]


def reminder_too_late(
    *, patient: PatientProfile, local_date: date, owed_at: datetime, now: datetime | None = None
) -> bool:
    """Whether a reminder owed since ``owed_at`` for ``local_date`` must no longer be sent."""
    now = now or timezone.now()
    local_now = now.astimezone(patient.tzinfo)
    if local_now.date() != local_date:
        return True
    cutoff = local_moment(local_date, LATE_CUTOFF, patient.tzinfo)
    return now >= cutoff and now - owed_at > LATE_GRACE


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


def reminder_message(patient: PatientProfile, *, questions: bool = False) -> Message:
    """Reminder text carries no health data: anyone may glance at a phone's lock screen.

    With ``questions`` it also says a questionnaire is waiting (never which one: its name
    can say what the patient is treated for): still the day's one reminder.
    """
    url = f"{settings.REHABIT_SITE_URL}/today/"
    look, images = clinic_email_look(patient.clinic)
    context = {"name": patient.user.display_name, "url": url, "questions": questions, **look}
    push_body = (
        _("Whenever suits you today: your exercises, a quick check-in and a few questions.")
        if questions
        else _("Whenever suits you today: your exercises and a quick check-in.")
    )
    return Message(
        subject=_("A gentle nudge for today's exercises"),
        text=render_to_string("emails/reminder.txt", context),
        html=render_to_string("emails/reminder.html", context),
        inline_images=images,
        url=url,
        tag="reminder",
        extra={"push_body": push_body},
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


def reminder_send(
    *, patient_id: int, local_date: date, now: datetime | None = None
) -> list[Notification]:
    """Send the day's owed reminder rows unless the patient already logged something that day.

    Safe to run any number of times for the same patient and day, and late: each channel's
    row is unique per patient, day and channel, only the claim winner sends, and a row found
    sent, claimed by another worker, or past its time does nothing more. Raises
    TransientError (after trying every channel) when a retry may help.
    """
    now = now or timezone.now()
    patient = PatientProfile.objects.select_related("user", "clinic").filter(pk=patient_id).first()
    owed = Notification.objects.filter(
        patient_id=patient_id,
        local_date=local_date,
        kind=Notification.Kind.REMINDER,
        status__in=OPEN,
    )
    if patient is None or not patient.user.is_active:
        notifications_skip(ids=owed.values_list("pk", flat=True), reason="inactive")
        return []
    # A questionnaire waiting keeps the reminder owed even on a day already logged.
    questions = bool(due_measures(patient, local_date))
    if not questions and _logged_on(patient, local_date):
        notifications_skip(ids=owed.values_list("pk", flat=True), reason=LOGGED)
        return []
    channels = reminder_channels(patient)
    # Called without a dispatcher's claim (an operator, an older queued task), the rows are
    # owed here; with one they already exist and are found by their keys.
    for row in reminder_rows(patient, local_date):
        notification_open(
            key=row.idempotency_key,
            clinic=patient.clinic,
            recipient=patient.user,
            patient=patient,
            kind=row.kind,
            channel=row.channel,
            subject=row.subject,
            local_date=local_date,
        )
    rows = list(owed.order_by("pk"))
    late = [
        r.pk
        for r in rows
        if reminder_too_late(patient=patient, local_date=local_date, owed_at=r.created_at, now=now)
    ]
    notifications_skip(ids=late, reason=TOO_LATE)
    turned_off = [r.pk for r in rows if r.channel not in channels and r.pk not in late]
    notifications_skip(ids=turned_off, reason="channel turned off")
    message = reminder_message(patient, questions=questions)
    sent = []
    failure: TransientError | None = None
    for notification in rows:
        if notification.pk in late or notification.pk in turned_off:
            continue
        try:
            notification_deliver(notification=notification, message=message)
        except TransientError as exc:
            failure = failure or exc
        sent.append(notification)
    if failure is not None:
        raise failure
    return sent


def reminder_give_up(*, patient_id: int, local_date: date, error: str) -> None:
    """Retries are exhausted: the day's unsent reminders are recorded as failed."""
    for notification in Notification.objects.filter(
        patient_id=patient_id, local_date=local_date, kind=Notification.Kind.REMINDER
    ):
        notification_give_up(notification_id=notification.pk, error=error)
