"""Writing a patient's own settings: reminder time and channel, time zone."""

from __future__ import annotations

import zoneinfo
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tracker.models import PatientProfile, User
from tracker.services.audit import audit_record
from tracker.services.scheduling import patient_schedule_refresh

DEFAULT_TIMEZONE = "UTC"


def _check_timezone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": _("That is not a known time zone.")})


@transaction.atomic
def patient_preferences_update(
    *,
    patient: PatientProfile,
    reminder_time: time,
    remind_by_email: bool,
    timezone: str,
    request: HttpRequest | None = None,
) -> PatientProfile:
    """Save the settings, then move the next reminder to follow them."""
    _check_timezone(timezone)
    user = patient.user
    changed = [
        name
        for name, before, after in (
            ("reminder_time", patient.reminder_time, reminder_time),
            ("remind_by_email", patient.remind_by_email, remind_by_email),
            ("timezone", user.timezone, timezone),
        )
        if before != after
    ]
    if user.timezone != timezone:
        user.timezone = timezone
        user.save(update_fields=["timezone"])
    patient.reminder_time = reminder_time
    patient.remind_by_email = remind_by_email
    patient.save(update_fields=["reminder_time", "remind_by_email", "updated_at"])
    patient_schedule_refresh(patient=patient)
    if changed:
        # Field names only, and the reminder time: nothing here is health data.
        detail: dict[str, object] = {"fields": changed}
        if "reminder_time" in changed:
            detail["reminder_time"] = reminder_time.strftime("%H:%M")
        audit_record(
            action="patient.settings_changed",
            actor=user,
            request=request,
            patient=patient,
            detail=detail,
        )
    return patient


@transaction.atomic
def patient_timezone_detected(
    *, patient: PatientProfile, timezone: str, request: HttpRequest | None = None
) -> bool:
    """Adopt the phone's time zone, but only over the untouched default.

    A zone the patient (or their therapist) already chose is never overwritten by what a
    browser reports. Returns whether anything changed.
    """
    _check_timezone(timezone)
    if timezone in (DEFAULT_TIMEZONE, "Etc/UTC"):
        return False
    # A conditional update: two tabs reporting at once, or a Settings save racing this,
    # cannot both win.
    changed = User.objects.filter(pk=patient.user_id, timezone=DEFAULT_TIMEZONE).update(
        timezone=timezone
    )
    if not changed:
        return False
    patient.user.timezone = timezone
    patient_schedule_refresh(patient=patient)
    audit_record(
        action="patient.settings_changed",
        actor=patient.user,
        request=request,
        patient=patient,
        detail={"fields": ["timezone"], "by": "phone"},
    )
    return True
