"""Notification log, push subscriptions, audit trail and worker heartbeats."""

from __future__ import annotations

import re
from typing import Any

from django.db import connections, models, transaction
from django.utils.translation import gettext_lazy as _

from .people import Clinic, PatientProfile, User


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    FLAG_ALERT = "flag_alert", _("Flag alert")
    DIGEST = "digest", _("Daily digest")
    INVITE = "invite", _("Invitation")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    PUSH = "push", _("Web push")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class Notification(models.Model):
    """Every reminder and therapist notification sent or attempted.

    The row is written before sending, under a unique idempotency key (for a reminder:
    patient, local date and channel), so a retried or duplicated job finds it and stops.
    """

    Kind = NotificationKind

    Channel = NotificationChannel

    Status = NotificationStatus

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    patient = models.ForeignKey(
        PatientProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=200)
    local_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set while one worker sends; another may take over only after the lease runs out.
    claimed_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="notification_key_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class PushSubscription(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    # The mark of the signed-in session that subscribed (tracker.services.push): signing out
    # of that session removes the subscription. Empty for subscriptions made before.
    session_mark = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscription of user {self.user_id}"


# Every kind of audited event, with the words the clinic admin reads in the audit log.
# ``audit_record`` refuses an action that is not listed, so a new kind cannot slip in unnamed.
AUDIT_ACTIONS: dict[str, str] = {
    "audit.exported": _("Downloaded the audit log"),
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.logout": _("Signed out"),
    "auth.password_changed": _("Changed their password"),
    "auth.password_reset_completed": _("Set a new password from a reset link"),
    "auth.password_reset_requested": _("Asked for a password reset link"),
    "auth.recovery_code_used": _("Signed in with a recovery code"),
    "auth.recovery_codes_regenerated": _("Made new two-factor recovery codes"),
    "auth.step_up_confirmed": _("Confirmed their password or code before a sign-in change"),
    "auth.step_up_failed": _("Gave a wrong password or code before a sign-in change"),
    "auth.two_factor_disabled": _("Turned off two-factor sign-in"),
    "auth.two_factor_enabled": _("Turned on two-factor sign-in"),
    "auth.two_factor_failed": _("Entered a wrong sign-in code"),
    "auth.two_factor_reset": _("Reset a therapist's two-factor sign-in"),
    "caseload.imported": _("Imported logs"),
    "clinic.look_changed": _("Changed the clinic's logo or accent colour"),
    "clinic.two_factor_not_required": _("Stopped requiring two-factor sign-in"),
    "clinic.two_factor_required": _("Required two-factor sign-in for the clinic"),
    "exercise.created": _("Added a clinic exercise"),
    "exercise.media_added": _("Added a picture or video to a clinic exercise"),
    "exercise.media_removed": _("Removed a picture or video from a clinic exercise"),
    "exercise.updated": _("Changed a clinic exercise"),
    "flag.acknowledged": _("Acknowledged a flag"),
    "flag.auto_resolved": _("Cleared a flag: the condition no longer holds"),
    "flag.escalated": _("Raised a flag's severity"),
    "flag.opened": _("Opened a flag"),
    "flag.resolved": _("Resolved a flag"),
    "goal.removed": _("Removed a goal"),
    "goal.set": _("Set a goal"),
    "measure.removed": _("Stopped an outcome measure"),
    "measure.scheduled": _("Scheduled an outcome measure"),
    "note.added": _("Added a note"),
    "patient.data_deleted": _("Deleted a patient's health data on their request"),
    "patient.data_downloaded": _("Downloaded their own data"),
    "patient.deletion_cancelled": _("Cancelled their request to delete their data"),
    "patient.deletion_declined": _("Declined a request to delete a patient's data"),
    "patient.deletion_requested": _("Asked for their data to be deleted"),
    "patient.exported": _("Exported a patient's data"),
    "patient.invite_accepted": _("Accepted an invitation"),
    "patient.invite_resent": _("Resent an invitation"),
    "patient.invite_revoked": _("Revoked an invitation"),
    "patient.invited": _("Invited a patient"),
    "patient.push_subscribed": _("Turned on push reminders"),
    "patient.push_unsubscribed": _("Turned off push reminders"),
    "patient.settings_changed": _("Changed patient settings"),
    "patient.viewed": _("Viewed a patient record"),
    "prescription.added": _("Added an exercise to a program"),
    "prescription.changed": _("Changed a dosage"),
    "prescription.removed": _("Removed an exercise from a program"),
    "prescription.reordered": _("Reordered a program"),
    "program.created": _("Started a program"),
    "program.updated": _("Changed a program"),
}


# What a deleted patient's events say instead of their email: their number, which the rest
# of the trail (``patient_ref``) and the clinic's own records use too.
DELETED_PATIENT_LABEL = "patient #{ref}"
_DELETED_PATIENT = re.compile(r"patient #(\d{1,18})")

# The only columns a deleted patient's anonymisation may change, and the transaction-local
# PostgreSQL setting that lets it past the trail's trigger (migration 0013).
ANONYMISABLE = frozenset({"actor_email", "detail", "ip_address", "patient_ref"})
ANONYMISE_SETTING = "rehabit.audit_anonymise"


def deleted_patient_ref(text: object) -> str | None:
    """The patient number in a label written by the anonymisation, else None."""
    found = _DELETED_PATIENT.fullmatch(text) if isinstance(text, str) else None
    return found.group(1) if found else None


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail is append-only.")

    def anonymise(self, **changes: Any) -> int:
        """The one change the trail allows: a deleted patient's identifiers go.

        Only the identifying columns may change, an address only to nothing. On PostgreSQL
        the trail's trigger lets the statement through while the setting is on; it is on for
        this statement alone, and the commit is refused unless the patient each row names
        has been deleted in the same transaction (``tracker.services.data_rights``).
        """
        if not changes or not set(changes) <= ANONYMISABLE:
            raise PermissionError("Only a deleted patient's identifiers may change.")
        if changes.get("ip_address") is not None:
            raise PermissionError("An address may only be removed.")
        connection = connections[self.db]
        with transaction.atomic(using=self.db):
            if connection.vendor != "postgresql":
                return super().update(**changes)
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [ANONYMISE_SETTING])
                changed = super().update(**changes)
                cursor.execute("SELECT set_config(%s, 'off', true)", [ANONYMISE_SETTING])
            return changed

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """Who viewed or changed which patient's record, and when. Append-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The patient survives as an id even after their health data is deleted.
    patient = models.ForeignKey(
        PatientProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    patient_ref = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "at"]),
            models.Index(fields=["clinic", "action", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class DeletionRequest(models.Model):
    """A patient's request to delete their health data, confirmed by a clinic admin.

    The request outlives the data it names: once carried out, ``patient`` is cleared and
    ``patient_ref`` keeps the id the audit trail refers to.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the clinic")
        COMPLETED = "completed", _("Deleted")
        CANCELLED = "cancelled", _("Cancelled by the patient")
        DECLINED = "declined", _("Declined by the clinic")

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        PatientProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deletion_requests",
    )
    patient_ref = models.CharField(max_length=64)
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A second tap on "request deletion" finds the first request, not a new one.
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="pending"),
                name="deletion_request_one_pending_per_patient",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "completed", "cancelled", "declined"]),
                name="deletion_request_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"deletion of patient {self.patient_ref} ({self.status})"


class WorkerHeartbeat(models.Model):
    """Last time each background process was seen doing work (shown to operators)."""

    name = models.CharField(max_length=64, unique=True)
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"
