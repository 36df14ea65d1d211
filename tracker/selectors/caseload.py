"""The therapist's caseload: one row per patient, in a fixed number of queries.

Sorting, filtering and paging happen in SQL on annotations (open-flag rank, last activity,
program); the expensive per-patient figures (adherence, pain means, flag badges) are then
computed for the page's patients only, each in one query for the whole page.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tracker.access import patients_visible_to
from tracker.models import DailyCheckin, Flag, FlagKind, PatientProfile, Program, Session, User
from tracker.models.flags import SEVERITY_RANK, Severity
from tracker.selectors.adherence import AdherenceFigures, adherence_windows
from tracker.selectors.outcomes import FunctionSummary, function_summaries

OPEN_STATUSES = (Flag.Status.OPEN, Flag.Status.ACKNOWLEDGED)
# No check-in and no session for this many days counts as gone quiet (the low threshold of
# the gone-quiet flag), so a patient drifting away shows up before the evaluation runs.
QUIET_AFTER_DAYS = 3
# Daily ratings move ±1 from noise alone; a smaller change of the 7-day mean is no trend.
PAIN_TREND_THRESHOLD = 1.0
# As in the pain-rising rule: a mean of fewer check-ins than this says little.
MIN_CHECKINS_PER_WINDOW = 4
PAGE_SIZE = 25

RISK_HIGH, RISK_MEDIUM, RISK_QUIET, RISK_LOW, RISK_NONE = 4, 3, 2, 1, 0

SORTS = ("risk", "name", "activity", "adherence")
FLAG_FILTERS = ("", "any", "high", "medium", "low", "none")
STATE_FILTERS = ("", "quiet", "invited", "no_program")


@dataclass(frozen=True)
class CaseloadFilters:
    whole_clinic: bool = False
    q: str = ""
    flag: str = ""
    state: str = ""
    sort: str = "risk"


@dataclass
class CaseloadRow:
    patient: PatientProfile
    program_title: str | None
    program_status: str | None
    adherence: AdherenceFigures | None = None
    pain_7d: float | None = None
    pain_baseline: float | None = None
    last_activity: date | None = None
    open_flags: list[Flag] = field(default_factory=list)
    # The latest score of the patient's preferred outcome measure, with its change.
    function: FunctionSummary | None = None

    @property
    def adherence_7d(self) -> float | None:
        return self.adherence.adherence_7d if self.adherence else None

    @property
    def adherence_28d(self) -> float | None:
        return self.adherence.adherence_28d if self.adherence else None

    @property
    def pain_trend(self) -> str | None:
        """ "up", "down" or "steady" against the 14 days before; None without enough data."""
        if self.pain_7d is None or self.pain_baseline is None:
            return None
        change = self.pain_7d - self.pain_baseline
        if change >= PAIN_TREND_THRESHOLD:
            return "up"
        if change <= -PAIN_TREND_THRESHOLD:
            return "down"
        return "steady"

    @property
    def days_since_activity(self) -> int | None:
        if self.last_activity is None:
            return None
        return (self.patient.local_today() - self.last_activity).days

    @property
    def is_quiet(self) -> bool:
        days = self.days_since_activity
        return self.invite_state == "active" and days is not None and days >= QUIET_AFTER_DAYS

    @property
    def invite_state(self) -> str:
        """ "active" (can log in), "invited" (link sent, not yet accepted) or "not_invited"."""
        profile = self.patient
        if profile.invite_accepted_at or profile.user.has_usable_password():
            return "active"
        return "invited" if profile.invited_at else "not_invited"


def _flag_rank() -> Case:
    return Case(
        *(When(severity=sev, then=Value(rank)) for sev, rank in SEVERITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def caseload_queryset(user: User, filters: CaseloadFilters) -> QuerySet[PatientProfile]:
    """The patients in scope, annotated for sorting and filtering, sorted as asked."""
    patients = patients_visible_to(user)
    if not (filters.whole_clinic and user.is_clinic_admin):
        patients = patients.filter(therapist=user)
    open_flags = Flag.objects.filter(patient=OuterRef("pk"), status__in=OPEN_STATUSES)
    last_checkin = (
        DailyCheckin.objects.filter(patient=OuterRef("pk"))
        .order_by("-local_date")
        .values("local_date")[:1]
    )
    last_session = (
        Session.objects.filter(patient=OuterRef("pk"))
        .order_by("-local_date")
        .values("local_date")[:1]
    )
    current_program = Program.objects.filter(
        patient=OuterRef("pk"), status__in=[Program.Status.ACTIVE, Program.Status.PAUSED]
    ).order_by("-start_date", "-id")
    # Server date: one day's slack either way across time zones does not change the order.
    quiet_cutoff = timezone.now().date() - timedelta(days=QUIET_AFTER_DAYS)
    patients = patients.select_related("user", "therapist").annotate(
        flag_rank=Coalesce(
            Subquery(open_flags.annotate(rank=_flag_rank()).order_by("-rank").values("rank")[:1]),
            Value(0),
        ),
        open_flag_count=Coalesce(
            Subquery(
                open_flags.order_by().values("patient").annotate(n=Count("id")).values("n")[:1]
            ),
            Value(0),
        ),
        has_quiet_flag=Exists(open_flags.filter(kind=FlagKind.GONE_QUIET)),
        last_checkin_on=Subquery(last_checkin),
        last_session_on=Subquery(last_session),
        # On SQLite GREATEST is NULL if either side is; coalescing each side avoids that.
        last_activity=Greatest(
            Coalesce(F("last_checkin_on"), F("last_session_on")),
            Coalesce(F("last_session_on"), F("last_checkin_on")),
        ),
        program_title=Subquery(current_program.values("title")[:1]),
        program_status=Subquery(current_program.values("status")[:1]),
    )
    # Gone quiet: silence from someone who can log in; an unanswered invite is not silence.
    can_log_in = Q(invite_accepted_at__isnull=False) | ~Q(
        user__password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    quiet = Q(has_quiet_flag=True) | (Q(last_activity__lt=quiet_cutoff) & can_log_in)
    patients = patients.annotate(
        risk=Case(
            When(flag_rank=SEVERITY_RANK[Severity.HIGH], then=Value(RISK_HIGH)),
            When(flag_rank=SEVERITY_RANK[Severity.MEDIUM], then=Value(RISK_MEDIUM)),
            When(quiet, then=Value(RISK_QUIET)),
            When(flag_rank=SEVERITY_RANK[Severity.LOW], then=Value(RISK_LOW)),
            default=Value(RISK_NONE),
            output_field=IntegerField(),
        )
    )

    if q := filters.q.strip():
        patients = patients.filter(
            Q(user__full_name__icontains=q)
            | Q(user__email__icontains=q)
            | Q(condition__icontains=q)
            | Q(program_title__icontains=q)
        )
    if filters.flag == "any":
        patients = patients.filter(flag_rank__gt=0)
    elif filters.flag == "none":
        patients = patients.filter(flag_rank=0)
    elif filters.flag in ("high", "medium", "low"):
        patients = patients.filter(flag_rank=SEVERITY_RANK[Severity(filters.flag)])
    if filters.state == "quiet":
        patients = patients.filter(quiet)
    elif filters.state == "invited":
        patients = patients.filter(invited_at__isnull=False, invite_accepted_at__isnull=True)
    elif filters.state == "no_program":
        patients = patients.filter(program_title__isnull=True)

    by_name = ("user__full_name", "user__email")
    if filters.sort == "name":
        return patients.order_by(*by_name)
    if filters.sort == "activity":
        return patients.order_by(F("last_activity").asc(nulls_first=True), *by_name)
    # Riskiest first; within a tier, more open flags, then the longest silence.
    return patients.order_by(
        "-risk", "-open_flag_count", F("last_activity").asc(nulls_first=True), *by_name
    )


def _local_today_groups(patients: Sequence[PatientProfile]) -> dict[date, list[int]]:
    """Patients grouped by their local date today: at most three groups on Earth."""
    groups: dict[date, list[int]] = defaultdict(list)
    for p in patients:
        groups[p.local_today()].append(p.pk)
    return groups


def pain_means(patients: Sequence[PatientProfile]) -> dict[int, tuple[float | None, float | None]]:
    """Per patient: (mean pain of the last 7 days, mean of the 14 days before).

    Windows end yesterday, like adherence and the trend flags (whose sentences quote the
    same means): today is not over yet. One aggregate query for any number of patients:
    each local-date group gets its own window in the filter, so a patient in Sydney and one
    in Denver are both measured on their own calendars. Fewer than 4 check-ins give None.
    """
    if not patients:
        return {}
    groups = _local_today_groups(patients).items()
    recent = reduce(
        operator.or_,
        (
            Q(patient_id__in=ids, local_date__gte=today - timedelta(days=7), local_date__lt=today)
            for today, ids in groups
        ),
    )
    baseline = reduce(
        operator.or_,
        (
            Q(
                patient_id__in=ids,
                local_date__gte=today - timedelta(days=21),
                local_date__lt=today - timedelta(days=7),
            )
            for today, ids in groups
        ),
    )
    first_day = min(p.local_today() for p in patients) - timedelta(days=21)
    rows = (
        DailyCheckin.objects.filter(
            patient_id__in=[p.pk for p in patients], local_date__gte=first_day
        )
        .values("patient_id")
        .annotate(
            recent_mean=Avg("pain", filter=recent),
            recent_n=Count("id", filter=recent),
            baseline_mean=Avg("pain", filter=baseline),
            baseline_n=Count("id", filter=baseline),
        )
        .order_by()
    )
    means: dict[int, tuple[float | None, float | None]] = {}
    for row in rows:
        recent_mean = row["recent_mean"] if row["recent_n"] >= MIN_CHECKINS_PER_WINDOW else None
        base_mean = row["baseline_mean"] if row["baseline_n"] >= MIN_CHECKINS_PER_WINDOW else None
        means[row["patient_id"]] = (
            round(float(recent_mean), 1) if recent_mean is not None else None,
            round(float(base_mean), 1) if base_mean is not None else None,
        )
    return means


def caseload_rows(patients: Sequence[PatientProfile]) -> list[CaseloadRow]:
    """The figures of each patient's row, in six queries for the whole list."""
    patients = list(patients)
    ids = [p.pk for p in patients]
    adherence = adherence_windows(patients)
    pain = pain_means(patients)
    function = function_summaries(ids)
    flags: dict[int, list[Flag]] = defaultdict(list)
    for flag in Flag.objects.filter(patient_id__in=ids, status__in=OPEN_STATUSES):
        flags[flag.patient_id].append(flag)
    rows = []
    for p in patients:
        pain_7d, pain_baseline = pain.get(p.pk, (None, None))
        rows.append(
            CaseloadRow(
                patient=p,
                program_title=getattr(p, "program_title", None),
                program_status=getattr(p, "program_status", None),
                adherence=adherence.get(p.pk),
                pain_7d=pain_7d,
                pain_baseline=pain_baseline,
                last_activity=getattr(p, "last_activity", None),
                open_flags=sorted(flags[p.pk], key=lambda f: -f.severity_rank),
                function=function.get(p.pk),
            )
        )
    return rows


@dataclass
class CaseloadPage:
    page: Page
    rows: list[CaseloadRow]


def caseload_page(
    user: User, filters: CaseloadFilters, page_number: str | int | None = 1
) -> CaseloadPage:
    """One page of the caseload. Sorting by adherence needs everyone's figure, so that sort
    computes adherence for all patients in scope (still two queries per local-date group)."""
    patients = caseload_queryset(user, filters)
    if filters.sort == "adherence":
        everyone = list(patients.order_by("user__full_name", "user__email"))
        adherence = adherence_windows(everyone)

        def lowest_first(p: PatientProfile) -> tuple[bool, float]:
            figures = adherence.get(p.pk)
            value = figures.adherence_7d if figures else None
            return (value is None, value if value is not None else 0.0)

        everyone.sort(key=lowest_first)
        page = Paginator(everyone, PAGE_SIZE).get_page(page_number)
    else:
        page = Paginator(patients, PAGE_SIZE).get_page(page_number)
    return CaseloadPage(page=page, rows=caseload_rows(page.object_list))
