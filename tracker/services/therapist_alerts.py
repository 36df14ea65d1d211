"""Therapist notifications: an email at once for a high flag, and a morning digest.

Email bodies name the patient and the kind of flag but leave the numbers inside the app,
behind a login: email is not a safe place for health details. Subjects name neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import FlagEvent, Notification, User
from tracker.notify import Message
from tracker.services.flags import FlagChange, alert_wanted, flag_alert_key
from tracker.services.notifications import (
    notification_deliver,
    notification_open,
    notifications_owe,
    notifications_skip,
)
from tracker.services.scheduling import local_moment, next_local_occurrence

DIGEST_LOCAL_TIME = time(7, 0)


def alerts_due(changes: list[FlagChange]) -> list[int]:
    """The flag events that warrant an email right away: opened or escalated at high."""
    return [c.event_id for c in changes if alert_wanted(c)]


def flag_alert_send(*, event_id: int) -> Notification | None:
    """Email the patient's therapist about one high-severity opening or escalation, once."""
    event = (
        FlagEvent.objects.select_related(
            "flag__patient__user", "flag__patient__therapist", "flag__clinic"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.severity != "high":
        owed = Notification.objects.filter(idempotency_key=flag_alert_key(event_id))
        notifications_skip(ids=owed.values_list("pk", flat=True), reason="no longer high")
        return None
    flag = event.flag
    therapist = flag.patient.therapist
    url = f"{settings.REHABIT_SITE_URL}/clinic/flags/"
    context = {
        "therapist": therapist.display_name,
        "patient": flag.patient.user.display_name,
        "kind": flag.get_kind_display(),
        "escalated": event.action == FlagEvent.Action.ESCALATED,
        "url": url,
    }
    message = Message(
        # A subject shows on lock screens, in notification previews and in mail logs: it
        # names neither the patient nor the flag. The body, read in the mailbox, does.
        subject=(
            _("Rehabit: a flag has risen to high")
            if context["escalated"]
            else _("Rehabit: a new high flag")
        ),
        text=render_to_string("emails/flag_alert.txt", context),
        html=render_to_string("emails/flag_alert.html", context),
        url=url,
        tag=f"flag-{flag.pk}",
    )
    notification, _created = notification_open(
        key=flag_alert_key(event.pk),
        clinic=flag.clinic,
        recipient=therapist,
        patient=flag.patient,
        kind=Notification.Kind.FLAG_ALERT,
        channel=Notification.Channel.EMAIL,
        subject=message.subject,
        local_date=event.on_date,
    )
    notification_deliver(notification=notification, message=message)
    return notification


@dataclass(frozen=True)
class DueDigest:
    therapist_id: int
    local_date: date


def digest_key(therapist_id: int, local_date: date) -> str:
    return f"digest:{therapist_id}:{local_date.isoformat()}"


def digests_claim_due(*, now: datetime | None = None, limit: int = 1000) -> list[DueDigest]:
    """Advance each therapist's next digest to their next local 07:00; return who is due.

    A due digest with something to say is written as an owed notification in the same
    transaction, so it is sent even if the task that sends it is lost.
    """
    now = now or timezone.now()
    due: list[DueDigest] = []
    owed: list[Notification] = []
    with transaction.atomic():
        therapists = list(
            User.objects.select_for_update(skip_locked=True)
            .filter(role=User.Role.THERAPIST, is_active=True, clinic__isnull=False)
            .filter(next_digest_at__lte=now)[:limit]
        )
        for therapist in therapists:
            tz = therapist.tzinfo
            local_date = therapist.next_digest_at.astimezone(tz).date()  # type: ignore[union-attr]
            therapist.next_digest_at = next_local_occurrence(DIGEST_LOCAL_TIME, tz, after=now)
            therapist.save(update_fields=["next_digest_at"])
            if local_date == now.astimezone(tz).date() and digest_events(therapist, local_date):
                due.append(DueDigest(therapist.pk, local_date))
                owed.append(
                    Notification(
                        idempotency_key=digest_key(therapist.pk, local_date),
                        clinic_id=therapist.clinic_id,
                        recipient=therapist,
                        kind=Notification.Kind.DIGEST,
                        channel=Notification.Channel.EMAIL,
                        subject=_("Rehabit: new or escalated flags"),
                        local_date=local_date,
                    )
                )
        notifications_owe(owed)
        # Therapists new to the schedule get their first digest time.
        for therapist in User.objects.filter(
            role=User.Role.THERAPIST, is_active=True, next_digest_at__isnull=True
        ).exclude(clinic__isnull=True)[:limit]:
            therapist.next_digest_at = next_local_occurrence(
                DIGEST_LOCAL_TIME, therapist.tzinfo, after=now
            )
            therapist.save(update_fields=["next_digest_at"])
    return due


def digest_events(therapist: User, local_date: date) -> list[FlagEvent]:
    """Openings and escalations in the 24 hours before this morning's digest."""
    until = local_moment(local_date, DIGEST_LOCAL_TIME, therapist.tzinfo)
    return list(
        FlagEvent.objects.filter(
            flag__patient__therapist=therapist,
            flag__clinic_id=therapist.clinic_id,
            action__in=[FlagEvent.Action.OPENED, FlagEvent.Action.ESCALATED],
            at__gte=until - timedelta(days=1),
            at__lt=until,
        )
        .select_related("flag__patient__user")
        .order_by("-flag__severity", "at")
    )


def digest_send(*, therapist_id: int, local_date: date) -> Notification | None:
    """Send the morning digest once; nothing is sent when there is nothing to say."""
    therapist = User.objects.select_related("clinic").filter(pk=therapist_id).first()
    if therapist is None or therapist.clinic is None:
        return None
    events = digest_events(therapist, local_date)
    if not events:
        owed = Notification.objects.filter(idempotency_key=digest_key(therapist.pk, local_date))
        notifications_skip(ids=owed.values_list("pk", flat=True), reason="nothing to say")
        return None
    url = f"{settings.REHABIT_SITE_URL}/clinic/flags/"
    rows = [
        {
            "patient": e.flag.patient.user.display_name,
            "kind": e.flag.get_kind_display(),
            "severity": e.get_severity_display(),
            "escalated": e.action == FlagEvent.Action.ESCALATED,
        }
        for e in events
    ]
    context = {"therapist": therapist.display_name, "rows": rows, "url": url}
    message = Message(
        subject=_("Rehabit: %(count)d new or escalated flag(s)") % {"count": len(rows)},
        text=render_to_string("emails/digest.txt", context),
        html=render_to_string("emails/digest.html", context),
        url=url,
        tag="digest",
    )
    notification, _created = notification_open(
        key=digest_key(therapist.pk, local_date),
        clinic=therapist.clinic,
        recipient=therapist,
        kind=Notification.Kind.DIGEST,
        channel=Notification.Channel.EMAIL,
        subject=message.subject,
        local_date=local_date,
    )
    notification_deliver(notification=notification, message=message)
    return notification
