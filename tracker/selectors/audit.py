"""The clinic's audit trail as its admins read it: filtered, newest first, a page at a time.

Pages go back in time by a cursor (the last event shown) rather than by page number: the
trail only grows, so counting it for "page 7 of 900" would cost a scan of the whole clinic's
history on every page, and new events would shift every page under the reader.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from tracker.models import AuditEvent, PatientProfile, User
from tracker.models.operations import AUDIT_ACTIONS, deleted_patient_ref
from tracker.selectors.export import spreadsheet_safe

PAGE_SIZE = 50
DETAIL_CHARS = 200
MAX_CURSOR_DIGITS = 18  # within a 64-bit id
AUTOMATIC = "automatic"  # the "who" filter's value for what Rehabit did by itself


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    who: str = ""  # a therapist's id, or AUTOMATIC
    email: str = ""
    patient_ref: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    at: datetime  # in the reader's time zone
    who: str
    who_email: str
    signed_in: bool  # False for an attempt to sign in, where the email is only what was typed
    automatic: bool
    what: str
    patient: str
    patient_ref: str
    patient_deleted: bool
    target: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    older_than: int | None  # the cursor for the next page back, when there is one
    is_newest: bool


def _is_clinic_admin(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_clinic_admin and user.clinic_id
    )


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def audit_events(user: User, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The user's clinic's events that match, newest first; nothing for anyone but its admins."""
    if not _is_clinic_admin(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(clinic_id=user.clinic_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.who == AUTOMATIC:
        # Attempts to sign in have no actor either, but they are someone's, not Rehabit's.
        events = events.filter(actor__isnull=True, actor_email="").exclude(
            action__startswith="auth."
        )
    elif filters.who:
        events = events.filter(actor_id=filters.who)
    if filters.email:
        events = events.filter(
            Q(actor_email__icontains=filters.email)
            | Q(
                action__startswith="auth.",
                actor__isnull=True,
                detail__email__icontains=filters.email,
            )
        )
    if filters.patient_ref:
        # The reference, not the link: it still finds a deleted patient's events.
        events = events.filter(patient_ref=filters.patient_ref)
    tz = user.tzinfo
    if filters.date_from:
        events = events.filter(at__gte=_local_midnight(filters.date_from, tz))
    if filters.date_to:
        events = events.filter(at__lt=_local_midnight(filters.date_to + timedelta(days=1), tz))
    return events.order_by("-at", "-id")


def audit_people(user: User) -> tuple[QuerySet[User], QuerySet[PatientProfile]]:
    """Who the filters offer: the clinic's therapists (former ones too) and its patients."""
    if not _is_clinic_admin(user):
        return User.objects.none(), PatientProfile.objects.none()
    therapists = User.objects.filter(clinic_id=user.clinic_id, role=User.Role.THERAPIST).order_by(
        "full_name", "email"
    )
    patients = (
        PatientProfile.objects.filter(clinic_id=user.clinic_id)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return therapists, patients


def audit_page(
    user: User, filters: AuditFilters, older_than: str | None = None, size: int = PAGE_SIZE
) -> AuditPage:
    """One page of matching events, older than the event ``older_than`` names (if any)."""
    events = audit_events(user, filters)
    cursor = None
    # A hand-edited cursor is ignored, however long: the first page is shown instead.
    if older_than and older_than.isdigit() and len(older_than) <= MAX_CURSOR_DIGITS:
        cursor = (
            AuditEvent.objects.filter(clinic_id=user.clinic_id, pk=int(older_than))
            .values_list("at", "pk")
            .first()
        )
    if cursor is not None:
        at, pk = cursor
        events = events.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    found = list(events.select_related("actor", "patient__user")[: size + 1])
    shown = found[:size]
    tz = user.tzinfo
    return AuditPage(
        rows=[audit_row(event, tz) for event in shown],
        older_than=shown[-1].pk if len(found) > size else None,
        is_newest=cursor is None,
    )


def audit_row(event: AuditEvent, tz: tzinfo) -> AuditRow:
    """How one event reads in the log. Needs ``actor`` and ``patient__user`` selected."""
    # A sign-in event with nobody signed in is an attempt: the email is only what was typed.
    attempted = (
        event.actor_id is None and not event.actor_email and event.action.startswith("auth.")
    )
    typed = event.detail.get("email") if isinstance(event.detail, dict) else ""
    # A deleted patient's events name them by number (data_rights._trail_anonymise).
    deleted_ref = deleted_patient_ref(event.actor_email if event.actor_email else typed)
    if event.actor is not None:
        who, who_email = event.actor.display_name, event.actor.email
    elif deleted_ref is not None:
        who, who_email = _("deleted patient #%(ref)s") % {"ref": deleted_ref}, ""
    elif event.actor_email:  # the account has been removed since
        who, who_email = event.actor_email, event.actor_email
    elif attempted:
        who, who_email = str(typed or _("unknown")), str(typed or "")
    else:
        who, who_email = _("Rehabit (automatic)"), ""
    if event.patient is not None:
        patient = event.patient.user.display_name
    elif event.patient_ref:
        patient = _("deleted patient #%(ref)s") % {"ref": event.patient_ref}
    else:
        patient = ""
    return AuditRow(
        event=event,
        at=event.at.astimezone(tz),
        who=who,
        who_email=who_email,
        signed_in=not attempted,
        automatic=event.actor_id is None and not event.actor_email and not attempted,
        what=str(AUDIT_ACTIONS.get(event.action, event.action)),
        patient=patient,
        patient_ref=event.patient_ref,
        patient_deleted=event.patient is None and bool(event.patient_ref),
        target=target_label(event.target_type, event.target_id),
        detail=detail_text(event.detail),
    )


def target_label(target_type: str, target_id: str) -> str:
    """ "Flag #12" from ("tracker.flag", "12"); the raw type if the model is gone."""
    if not target_type:
        return ""
    try:
        name = capfirst(str(apps.get_model(target_type)._meta.verbose_name))
    except (LookupError, ValueError):
        name = target_type
    return f"{name} #{target_id}" if target_id else name


def _value_text(value: Any) -> str:
    if value is None:
        return "–"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_value_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v) for v in value)
    return str(value)


def detail_text(detail: Any, limit: int = DETAIL_CHARS) -> str:
    """The event's details in one short line: "fields: timezone; by: phone"."""
    if not detail:
        return ""
    if not isinstance(detail, dict):
        return Truncator(str(detail)).chars(limit)
    text = "; ".join(f"{key.replace('_', ' ')}: {_value_text(v)}" for key, v in detail.items())
    return Truncator(text).chars(limit)


CSV_HEADER = [
    "time_utc",
    "time_local",
    "who",
    "who_email",
    "action",
    "what",
    "patient_ref",
    "patient",
    "target_type",
    "target_id",
    "ip_address",
    "detail",
]


def audit_csv_rows(user: User, filters: AuditFilters) -> Iterator[list[str]]:
    """Every matching event as CSV rows, newest first, defused against spreadsheet formulas."""
    yield CSV_HEADER
    tz = user.tzinfo
    events = audit_events(user, filters).select_related("actor", "patient__user")
    for event in events.iterator(chunk_size=1000):
        row = audit_row(event, tz)
        yield [
            spreadsheet_safe(v)
            for v in (
                event.at.isoformat(),
                row.at.isoformat(),
                row.who,
                row.who_email,
                event.action,
                row.what,
                event.patient_ref,
                row.patient,
                event.target_type,
                event.target_id,
                event.ip_address,
                json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
            )
        ]
