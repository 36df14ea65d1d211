"""A patient's logs as CSV rows: check-ins, sessions, exercise logs, programs and flags.

The therapist's exports and the patient's own download share these rows. In the check-in and
exercise-log files the first columns are the data-interchange columns of the import (so an
export can be read back by `import_logs`); the columns after them carry what only Rehabit
records: symptoms, skip reasons and the target that was prescribed when each was logged.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tracker.models import (
    DailyCheckin,
    ExerciseLog,
    Flag,
    Goal,
    PatientProfile,
    PrescribedExercise,
    Program,
    Session,
    User,
)
from tracker.selectors.adherence import adherence_history
from tracker.selectors.outcomes import responses_for_export

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection):
# such cells get a leading apostrophe, which spreadsheets show as plain text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

ADHERENCE_HEADER = [
    "patient_email",
    "date",
    "occurrences_due",
    "occurrences_done",
    "everything_done",
    "adherence_7d_to_yesterday",
    "adherence_28d_to_yesterday",
]
CHECKIN_HEADER = [
    "patient_email",
    "date",
    "pain",
    "worst_pain",
    "sleep_hours",
    "sleep_quality",
    "stress",
    "note",
]
SESSION_HEADER = [
    "patient_email",
    "date",
    "session_ref",
    "exercise_slug",
    "done",
    "sets",
    "reps",
    "hold_seconds",
    "pain_before",
    "pain_after",
    "pain_during",
    "note",
    # Rehabit's own columns after the interchange ones.
    "exercise_name",
    "occurrence",
    "skip_reason",
    "symptoms",
    "target_sets",
    "target_reps",
    "target_hold_seconds",
    "target_times_per_day",
    "target_side",
]

SESSION_SUMMARY_HEADER = [
    "session_ref",
    "date",
    "started_at",
    "finished_at",
    "pain_before",
    "pain_after",
    "note",
    "program",
]
PROGRAM_HEADER = [
    "program_ref",
    "title",
    "goal",
    "status",
    "start_date",
    "phase_end_date",
    "therapist",
    "exercise_slug",
    "exercise_name",
    "sets",
    "reps",
    "hold_seconds",
    "times_per_day",
    "days_per_week",
    "weekdays",  # 0 = Monday; empty means any days, days_per_week a week
    "side",
    "therapist_notes",
    "in_force_from",
    "in_force_until",  # exclusive; empty while in force
]
FLAG_HEADER = [
    "flag_ref",
    "kind",
    "severity",
    "status",
    "resolution",
    "opened_on",
    "summary",
    "acknowledged_at",
    "resolved_at",
    "note",
]


def spreadsheet_safe(value: Any) -> str:
    """The cell as text, defused if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(*values: Any) -> list[str]:
    return [spreadsheet_safe(v) for v in values]


class _Echo:
    """csv.writer wants a file; this one hands each formatted line straight back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """Rows as CSV lines, a byte-order mark first so spreadsheet programs read UTF-8."""
    writer = csv.writer(_Echo())
    for i, row in enumerate(rows):
        line = writer.writerow(row)
        yield "\ufeff" + line if i == 0 else line


def csv_zip(files: dict[str, Iterable[list[str]]]) -> bytes:
    """One ZIP archive holding a CSV file per name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            archive.writestr(name, "".join(csv_lines(rows)).encode("utf-8"))
    return buffer.getvalue()


def export_filename(user: User, what: str) -> str:
    """``rehabit-<name>-<what>``, e.g. rehabit-pat-checkins.csv."""
    return f"rehabit-{slugify(user.display_name) or user.pk}-{what}"


def checkin_rows(patient: PatientProfile) -> Iterator[list[str]]:
    email = patient.user.email
    yield CHECKIN_HEADER
    for c in (
        DailyCheckin.objects.filter(patient=patient)
        .order_by("local_date")
        .iterator(chunk_size=1000)
    ):
        yield safe_row(
            email,
            c.local_date.isoformat(),
            c.pain,
            c.worst_pain,
            f"{c.sleep_hours:.1f}",
            c.sleep_quality,
            c.stress,
            c.note,
        )


def adherence_rows(patient: PatientProfile) -> Iterator[list[str]]:
    """One row per day to yesterday: what was due and done, from the one adherence selector.
    No per-day percentage: a day of a week-shared dose can hold more than its share, so
    averaging days would give another figure; add up due and done instead.
    The last two columns repeat the 7- and 28-day figures every screen shows, so a sheet
    never has to work them out again (and cannot work them out differently)."""
    email = patient.user.email
    figures, days = adherence_history(patient)
    yield ADHERENCE_HEADER
    for day in days:
        yield safe_row(
            email,
            day.day.isoformat(),
            f"{day.due:.2f}",
            f"{day.done:.2f}",
            1 if day.everything_done else 0,
            _percent(figures.adherence_7d),
            _percent(figures.adherence_28d),
        )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def session_rows(patient: PatientProfile) -> Iterator[list[str]]:
    """One row per exercise log; the session's ratings repeat on each of its rows."""
    email = patient.user.email
    yield SESSION_HEADER
    logs = (
        ExerciseLog.objects.filter(patient=patient)
        .select_related("session", "exercise")
        .order_by("local_date", "session__started_at", "session_id", "exercise__name", "occurrence")
    )
    for log in logs.iterator(chunk_size=1000):
        s = log.session
        yield safe_row(
            email,
            log.local_date.isoformat(),
            s.pk,
            log.exercise.slug,
            1 if log.status == ExerciseLog.Status.DONE else 0,
            log.sets_done,
            log.reps_done,
            log.hold_seconds_done,
            s.pain_before,
            s.pain_after,
            log.pain_during,
            s.notes,
            log.exercise.name,
            log.occurrence,
            log.skip_reason,
            ";".join(log.symptoms),
            log.target_sets,
            log.target_reps,
            log.target_hold_seconds,
            log.target_times_per_day,
            log.target_side,
        )


def session_summary_rows(patient: PatientProfile) -> Iterator[list[str]]:
    """One row per session: when, and pain before and after (its exercises are another file)."""
    yield SESSION_SUMMARY_HEADER
    sessions = Session.objects.filter(patient=patient).select_related("program")
    for s in sessions.order_by("local_date", "started_at", "id").iterator(chunk_size=1000):
        yield safe_row(
            s.pk,
            s.local_date.isoformat(),
            _moment(s.started_at),
            _moment(s.finished_at),
            s.pain_before,
            s.pain_after,
            s.notes,
            s.program.title if s.program else "",
        )


def programs_with_versions(patient: PatientProfile) -> QuerySet[Program]:
    """The patient's programs in date order, each with every version of its prescriptions
    (and their exercises) in order: two queries, for the CSV export and the patient's own."""
    return (
        Program.objects.filter(patient=patient)
        .select_related("therapist")
        .prefetch_related(
            Prefetch(
                "prescriptions",
                queryset=PrescribedExercise.objects.select_related("exercise").order_by(
                    "order", "valid_from", "id"
                ),
            )
        )
        .order_by("start_date", "id")
    )


def program_rows(patient: PatientProfile) -> Iterator[list[str]]:
    """One row per version of each prescribed exercise; a dosage change adds a row."""
    yield PROGRAM_HEADER
    for p in programs_with_versions(patient):
        head = (
            p.pk,
            p.title,
            p.goal,
            p.status,
            p.start_date.isoformat(),
            p.phase_end_date.isoformat() if p.phase_end_date else "",
            p.therapist.display_name,
        )
        versions = list(p.prescriptions.all())
        if not versions:
            yield safe_row(*head)
        for rx in versions:
            yield safe_row(
                *head,
                rx.exercise.slug,
                rx.exercise.name,
                rx.sets,
                rx.reps,
                rx.hold_seconds,
                rx.times_per_day,
                rx.days_per_week,
                ";".join(str(d) for d in range(7) if rx.weekdays & (1 << d)),
                rx.side,
                rx.notes,
                rx.valid_from.isoformat(),
                rx.valid_to.isoformat() if rx.valid_to else "",
            )


def flag_rows(patient: PatientProfile) -> Iterator[list[str]]:
    yield FLAG_HEADER
    flags = Flag.objects.filter(patient=patient).order_by("opened_at", "id")
    for f in flags.iterator(chunk_size=1000):
        yield safe_row(
            f.pk,
            f.kind,
            f.severity,
            f.status,
            f.resolution,
            f.opened_on.isoformat(),
            f.summary,
            _moment(f.acknowledged_at),
            _moment(f.resolved_at),
            f.note,
        )


def _moment(value: Any) -> str:
    return value.isoformat() if value is not None else ""


# --- The rest of the patient's own download, as tables ---------------------------------------
# The patient's spreadsheets hold everything the one-file download holds. These tables are
# made from that file's records (tracker.selectors.patient_data), so the two cannot drift
# apart: a nested field becomes a column named parent_child ("by_name"), a list one cell.

NOTE_HEADER = ["written_at", "by_name", "text"]
REMINDER_HEADER = ["kind", "channel", "for_date", "status", "created_at", "sent_at"]
PHONE_HEADER = ["service", "created_at"]
AUDIT_TRAIL_HEADER = ["at", "action", "what", "by_name", "by_email", "detail"]
DELETION_HEADER = [
    "requested_at",
    "status",
    "reason",
    "decided_at",
    "decided_by_name",
    "decision_note",
]


def _cell(value: Any) -> Any:
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_cell(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(str(_cell(item)) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _flat(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A record's fields by column name; a nested record also stays whole, as one cell."""
    cells: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        cells[name] = _cell(value)
        if isinstance(value, Mapping):
            cells.update(_flat(value, f"{name}_"))
    return cells


def record_rows(records: Iterable[Mapping[str, Any]], header: list[str]) -> Iterator[list[str]]:
    yield header
    for record in records:
        cells = _flat(record)
        yield safe_row(*(cells.get(column) for column in header))


def field_rows(record: Mapping[str, Any]) -> Iterator[list[str]]:
    """One record as a two-column table, a field a row: easier to read than one wide row."""
    yield ["field", "value"]
    for name, value in _flat(record).items():
        if not isinstance(record.get(name), Mapping):
            yield safe_row(name, value)


OUTCOME_HEADER = [
    "record",
    "questionnaire",
    "version",
    "date",
    "due_on",
    "occasion",
    "key",
    "label",
    "value",
    "note",
]


def outcome_rows(patient: PatientProfile) -> Iterator[list[str]]:
    """Every questionnaire answer and score, and every goal: one row per value.

    ``record`` says which: ``answer`` (an item or activity, with the patient's name for an
    activity), ``score`` (as stored with the response; ``note`` names imputed items), or
    ``goal`` (value = the target, note = the baseline and the date).
    """
    yield OUTCOME_HEADER
    for r in responses_for_export(patient):
        q = r.questionnaire
        common = [q.slug, q.version, r.local_date.isoformat(), r.due_on.isoformat(), r.occasion]
        for key, value in r.answers.items():
            label = r.activities.get(key, "")
            yield safe_row("answer", *common, key, label, "" if value is None else value, "")
        imputed = ", ".join(r.imputed)
        spec_labels = _score_labels(q)
        for key, value in r.scores.items():
            yield safe_row(
                "score",
                *common,
                key,
                spec_labels.get(key, key),
                "" if value is None else f"{value:.1f}",
                f"imputed: {imputed}" if imputed else "",
            )
    for goal in Goal.objects.filter(patient=patient).order_by("target_date", "id"):
        yield safe_row(
            "goal",
            goal.questionnaire_slug,
            "",
            goal.created_at.date().isoformat(),
            "",
            "",
            goal.activity_key,
            goal.activity,
            goal.target,
            f"baseline {goal.baseline}, by {goal.target_date.isoformat()}",
        )


def _score_labels(questionnaire: Any) -> dict[str, str]:
    spec = questionnaire.spec
    return {key: spec.score_label(key) for key in spec.score_keys()}


def patient_record_tables(data: Mapping[str, Any]) -> dict[str, Iterator[list[str]]]:
    """Account, care team notes, reminders sent, phones, the audit trail and deletion
    requests from the patient's whole record (``patient_data``), one table each."""
    care = {f"care_{key}": value for key, value in data["care"].items()}
    return {
        "account.csv": field_rows({**data["account"], **care}),
        "notes_by_your_care_team.csv": record_rows(data["notes_by_your_care_team"], NOTE_HEADER),
        "reminders_sent.csv": record_rows(data["notifications"], REMINDER_HEADER),
        "phones_for_reminders.csv": record_rows(data["push_subscriptions"], PHONE_HEADER),
        "audit_trail.csv": record_rows(data["audit_trail"], AUDIT_TRAIL_HEADER),
        "deletion_requests.csv": record_rows(data["deletion_requests"], DELETION_HEADER),
    }


def contents_rows(names: Iterable[str]) -> Iterator[list[str]]:
    """What each file in the patient's download holds, in words, for whoever opens it."""
    what = {
        "contents.csv": _("This list."),
        "account.csv": _("Your account, reminder settings, clinic and therapist."),
        "checkins.csv": _("Your daily check-ins: pain, sleep, stress and notes."),
        "sessions.csv": _("Your exercise sessions: when, and pain before and after."),
        "exercise_logs.csv": _("Each exercise you did or skipped, with what was prescribed."),
        "programs.csv": _("Your exercise programs and every change to them."),
        "flags.csv": _("Things Rehabit pointed out to your therapist, and what they did."),
        "adherence.csv": _("For each day, how many of the exercises due you did."),
        "notes_by_your_care_team.csv": _("Notes your care team wrote about you."),
        "reminders_sent.csv": _("The reminders we sent you, and whether they arrived."),
        "phones_for_reminders.csv": _("The phones that get your reminders as notifications."),
        "audit_trail.csv": _("Who opened or changed your record, and when."),
        "deletion_requests.csv": _("Your requests to delete your data, and the answers."),
        "outcome_measures.csv": _("Your answers to questionnaires, their scores, and your goals."),
    }
    yield ["file", "what_it_holds"]
    for name in names:
        yield safe_row(name, what.get(name, ""))
