"""A patient's right to erasure: the request, the clinic's decision, and the deletion itself.

The patient asks; a clinic admin confirms or declines, because deleting is final and a
clinic may have to keep records for a legal period first. Confirming deletes every row of the
patient's health data and their login in one transaction. The audit trail stays, as the law
requires: its rows lose the link to the profile (``AuditEvent.patient`` is SET_NULL) and keep
only ``patient_ref``, the number the clinic's records refer to. The patient's email and the
addresses they (or anyone typing their email) came from are replaced or removed in the same
transaction: the trail keeps what happened, not who the patient was.
"""

from __future__ import annotations

from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

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
    Program,
    PushSubscription,
    Session,
    TherapistNote,
    User,
)
from tracker.models.operations import DELETED_PATIENT_LABEL
from tracker.services.audit import audit_record

PENDING = DeletionRequest.Status.PENDING


@dataclass(frozen=True)
class DeletionOutcome:
    patient_ref: str
    email: str  # for the admin's confirmation message; not kept anywhere
    deleted: dict[str, int]


def deletion_request_create(
    *, patient: PatientProfile, reason: str = "", request: HttpRequest | None = None
) -> DeletionRequest:
    """Ask the clinic to delete the patient's data. Asking again finds the first request."""
    with transaction.atomic():
        pending = DeletionRequest.objects.filter(patient=patient, status=PENDING).first()
        if pending is not None:
            return pending
        try:
            with transaction.atomic():
                created = DeletionRequest.objects.create(
                    clinic_id=patient.clinic_id,
                    patient=patient,
                    patient_ref=str(patient.pk),
                    reason=reason.strip(),
                )
        except IntegrityError:
            # A second tap raced the first past the check: the constraint let one through.
            return DeletionRequest.objects.get(patient=patient, status=PENDING)
        # The reason stays out of the trail: it is the patient's own words, maybe about health.
        audit_record(
            action="patient.deletion_requested",
            actor=patient.user,
            request=request,
            patient=patient,
            target=created,
        )
    return created


@transaction.atomic
def deletion_request_cancel(
    *, patient: PatientProfile, request: HttpRequest | None = None
) -> DeletionRequest | None:
    """Withdraw the pending request; None when there is none (cancelled already, or decided)."""
    pending = (
        DeletionRequest.objects.select_for_update().filter(patient=patient, status=PENDING).first()
    )
    if pending is None:
        return None
    pending.status = DeletionRequest.Status.CANCELLED
    pending.decided_at = timezone.now()
    pending.save(update_fields=["status", "decided_at"])
    audit_record(
        action="patient.deletion_cancelled",
        actor=patient.user,
        request=request,
        patient=patient,
        target=pending,
    )
    return pending


def _lock_pending(deletion_request: DeletionRequest) -> DeletionRequest:
    """The request, locked; a decision on one no longer pending is refused."""
    locked = DeletionRequest.objects.select_for_update().get(pk=deletion_request.pk)
    if locked.status != PENDING or locked.patient_id is None:
        raise ValidationError(
            _("This request is no longer waiting: it was %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


@transaction.atomic
def deletion_request_decline(
    *,
    deletion_request: DeletionRequest,
    admin: User,
    note: str,
    request: HttpRequest | None = None,
) -> DeletionRequest:
    """Keep the data, with a note the patient reads on their Settings page."""
    locked = _lock_pending(deletion_request)
    locked.status = DeletionRequest.Status.DECLINED
    locked.decided_by = admin
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    patient = PatientProfile.objects.get(pk=locked.patient_id)
    audit_record(
        action="patient.deletion_declined",
        actor=admin,
        request=request,
        patient=patient,
        target=locked,
    )
    return locked


def health_data_of(patient: PatientProfile) -> dict[str, QuerySet]:
    """Every row holding the patient's health data or contact history, in deletion order.

    Logs go before the prescriptions they point at (that link is PROTECT, so history is
    never lost by editing a program); flag events before their flags.
    """
    user_id = patient.user_id
    return {
        "exercise_logs": ExerciseLog.objects.filter(patient=patient),
        "sessions": Session.objects.filter(patient=patient),
        "checkins": DailyCheckin.objects.filter(patient=patient),
        "flag_events": FlagEvent.objects.filter(flag__patient=patient),
        "flags": Flag.objects.filter(patient=patient),
        "prescriptions": PrescribedExercise.objects.filter(program__patient=patient),
        "programs": Program.objects.filter(patient=patient),
        "therapist_notes": TherapistNote.objects.filter(patient=patient),
        # Reminders sent to the patient, and alerts about them sent to their therapist (whose
        # subject names the patient and the flag).
        "notifications": Notification.objects.filter(Q(recipient_id=user_id) | Q(patient=patient)),
        "push_subscriptions": PushSubscription.objects.filter(user_id=user_id),
    }


@transaction.atomic
def patient_data_delete(
    *,
    deletion_request: DeletionRequest,
    admin: User,
    request: HttpRequest | None = None,
) -> DeletionOutcome:
    """Carry out a pending request: the health data, the profile and the login go.

    What stays: the audit trail (who viewed or changed the record, by patient_ref, with the
    patient's email and addresses taken out), and the request itself as the record of the
    decision, without the patient's reason.
    """
    locked = _lock_pending(deletion_request)
    patient = (
        PatientProfile.objects.select_for_update().select_related("user").get(pk=locked.patient_id)
    )
    user = patient.user
    ref = str(patient.pk)
    deleted = {name: rows.delete()[0] for name, rows in health_data_of(patient).items()}
    deleted |= {"patient_profile": 1, "login": 1}

    # The patient's reasons, on this request and any earlier one, may describe their health.
    DeletionRequest.objects.filter(patient=patient).update(reason="")
    locked.reason = ""
    locked.status = DeletionRequest.Status.COMPLETED
    locked.decided_by = admin
    locked.decided_at = timezone.now()
    locked.save(update_fields=["reason", "status", "decided_by", "decided_at"])
    # Written while the profile still exists, so the event carries patient_ref like every
    # other event about this patient; counts only, no values.
    audit_record(
        action="patient.data_deleted",
        actor=admin,
        request=request,
        patient=patient,
        target=locked,
        detail={"patient_ref": ref, "deletion_request": locked.pk, "deleted": deleted},
    )
    _trail_anonymise(patient=patient, user=user)
    patient.delete()  # the audit events and requests keep patient_ref; their link is cleared
    _login_forget(user)
    return DeletionOutcome(patient_ref=ref, email=user.email, deleted=deleted)


def _trail_anonymise(*, patient: PatientProfile, user: User) -> None:
    """Take the patient's email and addresses out of the audit trail; keep their number.

    Their own events (sign-ins, downloads, settings, requests) name them as
    ``patient #<number>`` instead of by email and lose the address they came from; failed
    sign-ins and password-reset requests typed with their email say the same instead of
    the email, and lose the address too (whoever typed it). Every such event carries the
    number in ``patient_ref``, so the clinic still finds it under the patient. What each
    event did, when, to what, and who on the clinic's side did it, stays as written.
    """
    ref = str(patient.pk)
    label = DELETED_PATIENT_LABEL.format(ref=ref)
    theirs = AuditEvent.objects.filter(
        Q(actor_id=user.pk) | Q(actor__isnull=True, actor_email__iexact=user.email)
    )
    typed = AuditEvent.objects.filter(
        action__startswith="auth.", actor__isnull=True, detail__email__iexact=user.email
    )
    # The number first: the trail's trigger lets no row be anonymised without one.
    theirs.filter(patient_ref="").anonymise(patient_ref=ref)
    typed.filter(patient_ref="").anonymise(patient_ref=ref)
    theirs.anonymise(actor_email=label, ip_address=None)
    for event in typed.only("pk", "detail"):
        event_detail = {**event.detail, "email": label}
        AuditEvent.objects.filter(pk=event.pk).anonymise(detail=event_detail, ip_address=None)
    # The admin site's own history names an edited login or profile by its text (the
    # person's name or email): the number replaces it there too.
    for model, pk in ((User, user.pk), (PatientProfile, patient.pk)):
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
        ).update(object_repr=label)


def _login_forget(user: User) -> None:
    """Delete the login itself, so nobody can sign in as the patient again.

    Deleting the row (not only disabling it) frees nothing the trail needs: AuditEvent.actor
    is SET_NULL, and actor_email already holds the patient's number. Any session still open
    on the patient's phone ends with it: the session names a user id that no longer exists,
    and ids are never reused, so the next request is anonymous and goes to log in.
    """
    email = user.email
    for model in (AccessAttempt, AccessFailureLog, AccessLog):  # sign-in throttling records
        model.objects.filter(username__iexact=email).delete()
    user.delete()
