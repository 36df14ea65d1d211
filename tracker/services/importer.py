"""Importing a caseload and its history from the CSV files of the data-interchange format.

Every row of every file is validated first; if any is bad nothing is written and each bad
row is reported by file and line. Importing the same files again changes nothing: patients
are matched by email within the clinic, check-ins by day, sessions by a stable id made from
the patient, day and session reference, exercise logs by their natural key. Numbers are read
only as plain digits (7, and 7.5 for sleep hours). Shared by `import_logs` and the clinic
admin's upload page.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tracker.models import (
    SLEEP_HOURS_CHOICES,
    Clinic,
    DailyCheckin,
    Exercise,
    ExerciseLog,
    PatientProfile,
    PrescribedExercise,
    Session,
    User,
)
from tracker.models.base import SLEEP_HOURS_MAX
from tracker.services.invites import patient_account_create
from tracker.services.prescribing import DosageSpec, prescription_add, program_create
from tracker.services.scheduling import patient_schedule_refresh

IMPORT_NAMESPACE = uuid.UUID("0b6f9d2e-5a51-4c1e-8f0e-2d7f3b9c4a10")
MAX_ROWS_PER_FILE = 500_000

PATIENT_COLUMNS = ("email", "timezone", "exercises", "program_start")
CHECKIN_COLUMNS = (
    "patient_email", "date", "pain", "worst_pain", "sleep_hours", "sleep_quality", "stress",
    "note",
)  # fmt: skip
SESSION_COLUMNS = (
    "patient_email", "date", "session_ref", "exercise_slug", "done", "sets", "reps",
    "hold_seconds", "pain_before", "pain_after", "pain_during", "note",
)  # fmt: skip
# Each file of the interchange format by the name the upload form gives it.
COLUMNS_BY_FILE = {
    "patients": PATIENT_COLUMNS,
    "checkins": CHECKIN_COLUMNS,
    "sessions": SESSION_COLUMNS,
}
TRUE_WORDS = {"1", "true", "yes", "y", "done"}
FALSE_WORDS = {"0", "false", "no", "n", "skipped", ""}


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.message}"


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = [f"{name.replace('_', ' ')}: {n}" for name, n in sorted(self.counts.items())]
        return ", ".join(parts) or "nothing to import"


class _RowProblem(Exception):
    pass


def _reader(text: str) -> csv.DictReader:
    # newline="": a quoted cell may hold a line break, and older spreadsheets end lines with a
    # bare carriage return; the csv module reads both only from a stream that keeps them.
    return csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))


def file_is_empty(text: str) -> bool:
    """Not even a header: nothing but whitespace (and perhaps a byte-order mark).

    A file with a header and no rows is a valid file with nothing in it (an export of an
    empty table): it imports nothing and is no error.
    """
    return not text.lstrip("\ufeff").strip()


def _given(name: str, text: str | None, report: ImportReport) -> str | None:
    """The file's text, if it was given and has something to read. A blank file is an error,
    not a file left out: it is most likely an export that went wrong."""
    if text is not None and file_is_empty(text):
        report.errors.append(RowError(name, 1, "the file is empty"))
        return None
    return text


def missing_columns(text: str, columns: tuple[str, ...]) -> list[str]:
    """The columns a file's first line does not name (all of them if it is not CSV at all)."""
    try:
        header = [c.strip() for c in (_reader(text).fieldnames or [])]
    except csv.Error:
        return list(columns)
    return [c for c in columns if c not in header]


def _rows(text: str, name: str, columns: tuple[str, ...], report: ImportReport):
    """Yield (line number, row dict); a wrong header is one error for the whole file."""
    reader = _reader(text)
    missing = missing_columns(text, columns)
    if missing:
        report.errors.append(RowError(name, 1, f"missing column(s): {', '.join(missing)}"))
        return
    reader.fieldnames = [c.strip() for c in (reader.fieldnames or [])]
    index = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # an over-long cell, say: the rest of the file is unreadable
            # The inner reader's count: the DictReader's stops at the last good row.
            line = reader.reader.line_num
            report.errors.append(RowError(name, line, f"not readable as CSV ({exc})"))
            return
        if index >= MAX_ROWS_PER_FILE:
            report.errors.append(RowError(name, reader.line_num, "too many rows in one file"))
            return
        index += 1
        if None in row:
            report.errors.append(RowError(name, reader.line_num, "more cells than columns"))
            continue
        if any("\x00" in value for value in row.values() if value):
            # A NUL character means binary data; PostgreSQL could not store it as text anyway.
            report.errors.append(RowError(name, reader.line_num, "contains a NUL character"))
            continue
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


# A number cell as people and spreadsheets write one: ASCII digits, and a decimal point only
# where the column takes fractions. int() and Decimal() read far more (1e1, inf, nan, 1_0, +5,
# digits of other scripts), and a cell like 1e1 is a typo or a mangled format, not ten hours
# of sleep. Cells arrive trimmed, so only whitespace inside is left to refuse.
PLAIN_WHOLE_NUMBER = re.compile(r"[0-9]+")
PLAIN_DECIMAL_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
SHOWN_VALUE_LENGTH = 20


def _shown(raw: str) -> str:
    """A cell as an error quotes it: a runaway cell would swamp the list of errors."""
    return raw if len(raw) <= SHOWN_VALUE_LENGTH else f"{raw[:SHOWN_VALUE_LENGTH]}…"


def _number(
    row: dict[str, str],
    column: str,
    lo: int,
    hi: int,
    *,
    required: bool,
    fractions: bool = False,
) -> Decimal | None:
    """The cell as a plain number from lo to hi; whole unless the column takes fractions."""
    raw = row.get(column, "")
    if raw == "":
        if required:
            raise _RowProblem(f"{column} is missing")
        return None
    plain = PLAIN_DECIMAL_NUMBER if fractions else PLAIN_WHOLE_NUMBER
    # A plain number with a minus sign is still a number, below every column's range: say so.
    if plain.fullmatch(raw.removeprefix("-")):
        value = Decimal(raw)
        if raw.startswith("-") or not lo <= value <= hi:
            raise _RowProblem(f"{column} must be between {lo} and {hi}, not {_shown(raw)}")
        return value
    if not fractions and PLAIN_DECIMAL_NUMBER.fullmatch(raw):
        raise _RowProblem(f"{column} “{_shown(raw)}” is not a whole number")
    raise _RowProblem(f"{column} “{_shown(raw)}” is not a plain number")


def _int(row: dict[str, str], column: str, lo: int, hi: int, *, required: bool) -> int | None:
    value = _number(row, column, lo, hi, required=required)
    return None if value is None else int(value)


def _sleep_hours(row: dict[str, str]) -> Decimal:
    hours = _number(row, "sleep_hours", 0, SLEEP_HOURS_MAX, required=True, fractions=True)
    if hours not in SLEEP_HOURS_CHOICES:
        raise _RowProblem(f"sleep_hours must be in half hours, not {_shown(row['sleep_hours'])}")
    # As the phone records it (7.5, not 7.50).
    return hours.quantize(Decimal("0.1"))


def _date(row: dict[str, str], column: str, today: date) -> date:
    raw = row.get(column, "")
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise _RowProblem(f"{column} must be a date like 2026-08-01, not “{raw}”") from None
    if value > today:
        raise _RowProblem(f"{column} {value} is in the future")
    return value


def _email(row: dict[str, str], column: str) -> str:
    raw = row.get(column, "").lower()
    try:
        validate_email(raw)
    except ValidationError:
        raise _RowProblem(f"{column} “{raw}” is not an email address") from None
    return raw


@dataclass
class _PatientRow:
    line: int
    email: str
    timezone: str
    slugs: list[str]
    program_start: date


@dataclass
class _CheckinRow:
    line: int
    email: str
    day: date
    values: dict[str, object]


@dataclass
class _SessionRow:
    line: int
    email: str
    day: date
    ref: str
    slug: str
    done: bool
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    pain_before: int | None
    pain_after: int | None
    pain_during: int | None
    note: str


def _library(clinic: Clinic) -> dict[str, Exercise]:
    """Slug → exercise; a clinic's own exercise wins over the global one of the same slug."""
    found: dict[str, Exercise] = {}
    for exercise in Exercise.objects.filter(
        Q(clinic__isnull=True) | Q(clinic=clinic), is_active=True
    ).order_by("clinic_id"):
        if exercise.clinic_id is not None or exercise.slug not in found:
            found[exercise.slug] = exercise
    return found


def _parse_patients(text: str, library: dict[str, Exercise], today: date, report: ImportReport):
    name = "patients.csv"
    rows: dict[str, _PatientRow] = {}
    for line, row in _rows(text, name, PATIENT_COLUMNS, report):
        try:
            email = _email(row, "email")
            tz = row["timezone"]
            if tz not in zoneinfo.available_timezones():
                raise _RowProblem(f"timezone “{tz}” is not a known time zone")
            slugs = [s.strip() for s in row["exercises"].split(";") if s.strip()]
            if not slugs:
                raise _RowProblem("exercises is empty")
            unknown = [s for s in slugs if s not in library]
            if unknown:
                raise _RowProblem(f"unknown exercise(s): {', '.join(unknown)}")
            if len(set(slugs)) != len(slugs):
                raise _RowProblem("an exercise is listed twice")
            start = _date(row, "program_start", today)
            if email in rows:
                raise _RowProblem(f"{email} is already on line {rows[email].line}")
            rows[email] = _PatientRow(line, email, tz, slugs, start)
        except _RowProblem as problem:
            report.errors.append(RowError(name, line, str(problem)))
    return rows


def _parse_checkins(text: str, today: date, report: ImportReport) -> list[_CheckinRow]:
    name = "checkins.csv"
    rows: list[_CheckinRow] = []
    seen: dict[tuple[str, date], int] = {}
    for line, row in _rows(text, name, CHECKIN_COLUMNS, report):
        try:
            email = _email(row, "patient_email")
            day = _date(row, "date", today)
            values = {
                "pain": _int(row, "pain", 0, 10, required=True),
                "worst_pain": _int(row, "worst_pain", 0, 10, required=True),
                "sleep_hours": _sleep_hours(row),
                "sleep_quality": _int(row, "sleep_quality", 0, 10, required=True),
                "stress": _int(row, "stress", 0, 10, required=True),
                "note": row["note"][:2000],
            }
            if (email, day) in seen:
                raise _RowProblem(f"a second check-in for {day} (first on line {seen[email, day]})")
            seen[email, day] = line
            rows.append(_CheckinRow(line, email, day, values))
        except _RowProblem as problem:
            report.errors.append(RowError(name, line, str(problem)))
    return rows


def _parse_sessions(text: str, today: date, report: ImportReport) -> list[_SessionRow]:
    name = "sessions.csv"
    rows: list[_SessionRow] = []
    for line, row in _rows(text, name, SESSION_COLUMNS, report):
        try:
            done_raw = row["done"].lower()
            if done_raw not in TRUE_WORDS | FALSE_WORDS:
                raise _RowProblem(f"done must be 1 or 0, not “{row['done']}”")
            if not row["session_ref"]:
                raise _RowProblem("session_ref is missing")
            if not row["exercise_slug"]:
                raise _RowProblem("exercise_slug is missing")
            rows.append(
                _SessionRow(
                    line=line,
                    email=_email(row, "patient_email"),
                    day=_date(row, "date", today),
                    ref=row["session_ref"][:64],
                    slug=row["exercise_slug"],
                    done=done_raw in TRUE_WORDS,
                    sets=_int(row, "sets", 0, 100, required=False),
                    reps=_int(row, "reps", 0, 1000, required=False),
                    hold_seconds=_int(row, "hold_seconds", 0, 3600, required=False),
                    pain_before=_int(row, "pain_before", 0, 10, required=False),
                    pain_after=_int(row, "pain_after", 0, 10, required=False),
                    pain_during=_int(row, "pain_during", 0, 10, required=False),
                    note=row["note"][:2000],
                )
            )
        except _RowProblem as problem:
            report.errors.append(RowError(name, line, str(problem)))
    return rows


def _session_client_id(clinic: Clinic, email: str, day: date, ref: str) -> uuid.UUID:
    return uuid.uuid5(IMPORT_NAMESPACE, f"{clinic.pk}:{email}:{day.isoformat()}:{ref}")


def import_caseload(
    *,
    clinic: Clinic,
    therapist: User,
    patients_csv: str | None = None,
    checkins_csv: str | None = None,
    sessions_csv: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Validate everything, then (unless ``dry_run`` or any row is bad) import it all.

    Imports into one clinic run one at a time, each validated against what the one before
    it wrote: two "Import now" sent together (a double click, two tabs) would otherwise both
    take the same patients for new, and the second would fail on the first one's rows.
    """
    files = (patients_csv, checkins_csv, sessions_csv)
    if dry_run:
        return _import(clinic, therapist, *files, dry_run=True)
    with transaction.atomic():
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        return _import(clinic, therapist, *files, dry_run=False)


def _import(
    clinic: Clinic,
    therapist: User,
    patients_csv: str | None,
    checkins_csv: str | None,
    sessions_csv: str | None,
    *,
    dry_run: bool,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    if not (therapist.is_therapist and therapist.clinic_id == clinic.pk):
        report.errors.append(RowError("-", 0, f"{therapist.email} is not a therapist of {clinic}"))
        return report
    today = timezone.now().date()
    library = _library(clinic)
    patients_csv = _given("patients.csv", patients_csv, report)
    checkins_csv = _given("checkins.csv", checkins_csv, report)
    sessions_csv = _given("sessions.csv", sessions_csv, report)
    new_patients = _parse_patients(patients_csv, library, today, report) if patients_csv else {}
    checkins = _parse_checkins(checkins_csv, today, report) if checkins_csv else []
    session_rows = _parse_sessions(sessions_csv, today, report) if sessions_csv else []

    # Who the rows may refer to: this clinic's patients, and the ones being created now.
    # Only this clinic's accounts are looked at: an address with an account at another
    # clinic is imported like a new one (as a held account, see User.held), so the import
    # never tells one clinic who is treated at another.
    emails = {r.email for r in checkins} | {r.email for r in session_rows} | set(new_patients)
    in_clinic = User.objects.filter(clinic=clinic, email__in=emails)
    existing = {
        p.user.email: p
        for p in PatientProfile.objects.filter(clinic=clinic, user__in=in_clinic).select_related(
            "user"
        )
    }
    others = set(in_clinic.values_list("email", flat=True)) - set(existing)
    for email, prow in new_patients.items():
        if email in others:
            report.errors.append(
                RowError("patients.csv", prow.line, f"{email} is not a patient of {clinic}")
            )
    known = set(existing) | set(new_patients)
    for crow in checkins:
        if crow.email not in known:
            report.errors.append(
                RowError("checkins.csv", crow.line, f"no patient {crow.email} in {clinic}")
            )

    # The program each patient's session rows must fit: existing prescriptions, or the file's.
    programs: dict[str, set[str]] = {e: set(p.slugs) for e, p in new_patients.items()}
    for email, profile in existing.items():
        if email not in programs:
            programs[email] = set(
                PrescribedExercise.objects.filter(program__patient=profile).values_list(
                    "exercise__slug", flat=True
                )
            )
    per_day: dict[tuple[str, date, str], int] = defaultdict(int)
    for srow in session_rows:
        if srow.email not in known:
            report.errors.append(
                RowError("sessions.csv", srow.line, f"no patient {srow.email} in {clinic}")
            )
        elif srow.slug not in programs.get(srow.email, set()):
            report.errors.append(
                RowError("sessions.csv", srow.line, f"{srow.slug} is not in {srow.email}'s program")
            )
        else:
            per_day[srow.email, srow.day, srow.slug] += 1

    if report.errors or dry_run:
        report.counts.update(
            patients=len(new_patients), checkins=len(checkins), session_rows=len(session_rows)
        )
        return report
    with transaction.atomic():
        _write(clinic, therapist, new_patients, existing, checkins, session_rows, library, report)
    return report


def _write(
    clinic: Clinic,
    therapist: User,
    new_patients: dict[str, _PatientRow],
    existing: dict[str, PatientProfile],
    checkins: list[_CheckinRow],
    session_rows: list[_SessionRow],
    library: dict[str, Exercise],
    report: ImportReport,
) -> None:
    profiles = dict(existing)
    for email, prow in new_patients.items():
        if email in profiles:
            report.counts["patients_already_present"] += 1
            continue
        user = patient_account_create(email=email, clinic_id=clinic.pk, timezone=prow.timezone)
        profile = PatientProfile.objects.create(user=user, clinic=clinic, therapist=therapist)
        program = program_create(
            patient=profile,
            therapist=therapist,
            title="Home exercise program",
            start_date=prow.program_start,
        )
        for order, slug in enumerate(prow.slugs):
            # The interchange format prescribes every exercise once a day, every day.
            dosage = DosageSpec.from_exercise(library[slug], times_per_day=1, days_per_week=7)
            prescription_add(
                program=program,
                exercise=library[slug],
                dosage=dosage,
                valid_from=prow.program_start,
                order=order,
            )
        patient_schedule_refresh(patient=profile)
        profiles[email] = profile
        report.counts["patients"] += 1

    patient_ids = [p.pk for p in profiles.values()]
    have_checkin = set(
        DailyCheckin.objects.filter(patient_id__in=patient_ids).values_list(
            "patient_id", "local_date"
        )
    )
    new_checkins = []
    for crow in checkins:
        profile = profiles[crow.email]
        if (profile.pk, crow.day) in have_checkin:
            report.counts["checkins_already_present"] += 1
            continue
        new_checkins.append(
            DailyCheckin(clinic=clinic, patient=profile, local_date=crow.day, **crow.values)
        )
    DailyCheckin.objects.bulk_create(new_checkins, batch_size=2000)
    report.counts["checkins"] += len(new_checkins)

    _write_sessions(clinic, profiles, session_rows, report)


def _write_sessions(
    clinic: Clinic,
    profiles: dict[str, PatientProfile],
    session_rows: list[_SessionRow],
    report: ImportReport,
) -> None:
    groups: dict[uuid.UUID, list[_SessionRow]] = defaultdict(list)
    for srow in session_rows:
        groups[_session_client_id(clinic, srow.email, srow.day, srow.ref)].append(srow)
    have = set(Session.objects.filter(client_id__in=groups).values_list("client_id", flat=True))
    new_sessions = []
    for client_id, rows in groups.items():
        if client_id in have:
            report.counts["sessions_already_present"] += 1
            continue
        first = rows[0]
        profile = profiles[first.email]
        started = datetime.combine(first.day, time(18, 0), tzinfo=profile.tzinfo)
        new_sessions.append(
            Session(
                clinic=clinic,
                patient=profile,
                client_id=client_id,
                local_date=first.day,
                started_at=started,
                finished_at=started,
                pain_before=next((r.pain_before for r in rows if r.pain_before is not None), None),
                pain_after=next((r.pain_after for r in rows if r.pain_after is not None), None),
                notes="\n".join(r.note for r in rows if r.note)[:2000],
            )
        )
    Session.objects.bulk_create(new_sessions, batch_size=2000)
    report.counts["sessions"] += len(new_sessions)
    if not new_sessions:
        return

    created_ids = {s.client_id for s in new_sessions}
    sessions = {
        s.client_id: s
        for s in Session.objects.filter(client_id__in=created_ids).only(
            "id", "client_id", "patient_id", "local_date"
        )
    }
    versions: dict[int, list[PrescribedExercise]] = defaultdict(list)
    for version in PrescribedExercise.objects.filter(
        program__patient_id__in=[p.pk for p in profiles.values()]
    ).select_related("exercise"):
        versions[version.program.patient_id].append(version)

    used: dict[tuple[int, object, date], int] = defaultdict(int)
    logs = []
    for client_id in created_ids:
        session = sessions[client_id]
        for srow in groups[client_id]:
            version = next(
                (
                    v
                    for v in versions[session.patient_id]
                    if v.exercise.slug == srow.slug and v.is_in_force_on(srow.day)
                ),
                None,
            ) or next(v for v in versions[session.patient_id] if v.exercise.slug == srow.slug)
            key = (session.patient_id, version.line, srow.day)
            used[key] += 1
            if used[key] > version.times_per_day:
                report.counts["exercise_rows_beyond_the_day_s_dose"] += 1
                continue
            logs.append(
                ExerciseLog(
                    clinic=clinic,
                    session=session,
                    patient_id=session.patient_id,
                    local_date=srow.day,
                    prescribed=version,
                    line=version.line,
                    exercise_id=version.exercise_id,
                    occurrence=used[key],
                    status=ExerciseLog.Status.DONE if srow.done else ExerciseLog.Status.SKIPPED,
                    sets_done=srow.sets if srow.done else None,
                    reps_done=srow.reps if srow.done else None,
                    hold_seconds_done=srow.hold_seconds if srow.done else None,
                    pain_during=srow.pain_during,
                    **version.target_snapshot(),
                )
            )
    ExerciseLog.objects.bulk_create(logs, batch_size=2000, ignore_conflicts=True)
    report.counts["exercise_logs"] += len(logs)
