"""The therapist's flags inbox and the open-flag count in the navigation."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, QuerySet, Value, When
from django.db.models.expressions import Case

from tracker.access import flags_visible_to
from tracker.models import Flag, FlagKind, User
from tracker.models.flags import SEVERITY_RANK, Severity

OPEN_STATUSES = (Flag.Status.OPEN, Flag.Status.ACKNOWLEDGED)
PAGE_SIZE = 30
STATUS_FILTERS = ("open", "unacknowledged", "acknowledged", "resolved")


@dataclass(frozen=True)
class FlagFilters:
    whole_clinic: bool = False
    severity: str = ""
    kind: str = ""
    status: str = "open"


def _in_scope(user: User, whole_clinic: bool) -> QuerySet[Flag]:
    flags = flags_visible_to(user)
    if not (whole_clinic and user.is_clinic_admin):
        flags = flags.filter(patient__therapist=user)
    return flags


def flag_inbox(user: User, filters: FlagFilters, page_number: str | int | None = 1) -> Page:
    """Flags by severity, then unacknowledged first, then newest; open and acknowledged ones
    unless asked otherwise."""
    flags = _in_scope(user, filters.whole_clinic).select_related(
        "patient__user", "patient__therapist", "acknowledged_by", "resolved_by"
    )
    if filters.status == "unacknowledged":
        flags = flags.filter(status=Flag.Status.OPEN)
    elif filters.status == "acknowledged":
        flags = flags.filter(status=Flag.Status.ACKNOWLEDGED)
    elif filters.status == "resolved":
        flags = flags.filter(status=Flag.Status.RESOLVED)
    else:
        flags = flags.filter(status__in=OPEN_STATUSES)
    if filters.severity in Severity.values:
        flags = flags.filter(severity=filters.severity)
    if filters.kind in FlagKind.values:
        flags = flags.filter(kind=filters.kind)
    rank = Case(
        *(When(severity=sev, then=Value(n)) for sev, n in SEVERITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    # The most severe first, so an acknowledged high flag stays above new low ones; within a
    # severity the unacknowledged before the acknowledged, then the newest.
    unseen_first = Case(
        When(status=Flag.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    flags = flags.annotate(rank=rank, unseen=unseen_first).order_by(
        "-rank", "unseen", "-opened_at", "-id"
    )
    return Paginator(flags, PAGE_SIZE).get_page(page_number)


def open_flag_count(user: User) -> int:
    """Flags on the user's own patients that nobody has acknowledged yet."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return _in_scope(user, whole_clinic=False).filter(status=Flag.Status.OPEN).count()
