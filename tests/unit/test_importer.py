"""The CSV importer reads numbers only as people write them, and says when a file is empty.

`int()` and `Decimal()` read far more than a plain number: "1e1" became ten hours of sleep.
Every number column of every file goes through one reading, checked here column family by
column family, through the service and through `import_logs`.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tracker.models import DailyCheckin, Exercise, ExerciseLog, PatientProfile, Session, User
from tracker.services.importer import (
    CHECKIN_COLUMNS,
    SESSION_COLUMNS,
    ImportReport,
    import_caseload,
)

pytestmark = pytest.mark.django_db

PATIENTS = (
    "email,timezone,exercises,program_start\nnew@p.test,Europe/London,glute-bridge,2026-08-01\n"
)
GOOD_CHECKIN = {
    "patient_email": "new@p.test", "date": "2026-08-01", "pain": "3", "worst_pain": "5",
    "sleep_hours": "7.5", "sleep_quality": "6", "stress": "3", "note": "",
}  # fmt: skip
GOOD_SESSION = {
    "patient_email": "new@p.test", "date": "2026-08-01", "session_ref": "1",
    "exercise_slug": "glute-bridge", "done": "1", "sets": "2", "reps": "12", "hold_seconds": "",
    "pain_before": "2", "pain_after": "1", "pain_during": "1", "note": "",
}  # fmt: skip

WHOLE_0_10 = ["pain", "worst_pain", "sleep_quality", "stress"]
SESSION_NUMBERS = ["sets", "reps", "hold_seconds", "pain_before", "pain_after", "pain_during"]

# Numbers written any way but the plain one: each is refused in every number column.
NOT_PLAIN = [
    "1e1", "1E1", "1e0", "5e-1", "inf", "-inf", "Infinity", "nan", "NaN", "0x10", "0b1", "0o7",
    "1_0", "+1", "+0", "1,000", "1 0", "1\u00a00", "1\t0", "٣", "３", "²", "½", "1.", ".5",
    "1.5.0", "1..5", "1/2", "one", "3-", "--1", "-", ".",
]  # fmt: skip


def csv_text(columns: tuple[str, ...], *rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def checkins(**cells: str) -> str:
    """A good check-in on line 2, then one with these cells on line 3."""
    second = {**GOOD_CHECKIN, "date": "2026-08-02", **cells}
    return csv_text(CHECKIN_COLUMNS, GOOD_CHECKIN, second)


def sessions(**cells: str) -> str:
    second = {**GOOD_SESSION, "date": "2026-08-02", **cells}
    return csv_text(SESSION_COLUMNS, GOOD_SESSION, second)


@pytest.fixture
def library(db: None) -> None:
    Exercise.objects.create(
        slug="glute-bridge", name="Glute bridge", category="strength", body_region="hip",
        steps=["Lie on your back."], default_sets=2, default_reps=12,
    )  # fmt: skip


def run(alice: User, **files: str) -> ImportReport:
    return import_caseload(
        clinic=alice.clinic,  # type: ignore[arg-type]
        therapist=alice,
        patients_csv=files.get("patients"),
        checkins_csv=files.get("checkins"),
        sessions_csv=files.get("sessions"),
    )


def errors(report: ImportReport) -> list[str]:
    return [str(e) for e in report.errors]


def nothing_imported() -> bool:
    return not (
        PatientProfile.objects.exists()
        or DailyCheckin.objects.exists()
        or Session.objects.exists()
        or ExerciseLog.objects.exists()
    )


# --- Refused: numbers that are not plain ------------------------------------------------------


@pytest.mark.parametrize("value", NOT_PLAIN)
@pytest.mark.parametrize("column", [*WHOLE_0_10, "sleep_hours"])
def test_a_check_in_number_that_is_not_plain_is_refused(alice, library, column, value):
    report = run(alice, patients=PATIENTS, checkins=checkins(**{column: value}))
    assert errors(report) == [f"checkins.csv, line 3: {column} “{value}” is not a plain number"]
    assert nothing_imported()


@pytest.mark.parametrize("value", NOT_PLAIN)
@pytest.mark.parametrize("column", SESSION_NUMBERS)
def test_a_session_number_that_is_not_plain_is_refused(alice, library, column, value):
    report = run(alice, patients=PATIENTS, sessions=sessions(**{column: value}))
    assert errors(report) == [f"sessions.csv, line 3: {column} “{value}” is not a plain number"]
    assert nothing_imported()


@pytest.mark.parametrize("value", [*NOT_PLAIN, "1.0", "01", "-1", "2"])
def test_done_is_1_or_0_or_a_word_never_another_number(alice, library, value):
    report = run(alice, patients=PATIENTS, sessions=sessions(done=value))
    assert errors(report) == [f"sessions.csv, line 3: done must be 1 or 0, not “{value}”"]
    assert nothing_imported()


@pytest.mark.parametrize("value", ["3.5", "3.0", "0.5", "10.00"])
@pytest.mark.parametrize("column", [*WHOLE_0_10, *SESSION_NUMBERS])
def test_a_decimal_point_is_refused_where_the_column_counts_whole_numbers(
    alice, library, column, value
):
    if column in WHOLE_0_10:
        file, report = (
            "checkins",
            run(alice, patients=PATIENTS, checkins=checkins(**{column: value})),
        )
    else:
        file, report = (
            "sessions",
            run(alice, patients=PATIENTS, sessions=sessions(**{column: value})),
        )
    assert errors(report) == [f"{file}.csv, line 3: {column} “{value}” is not a whole number"]
    assert nothing_imported()


@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("checkins", "pain", "11", "pain must be between 0 and 10, not 11"),
        ("checkins", "stress", "-1", "stress must be between 0 and 10, not -1"),
        ("checkins", "worst_pain", "-0", "worst_pain must be between 0 and 10, not -0"),
        ("checkins", "sleep_hours", "16.5", "sleep_hours must be between 0 and 16, not 16.5"),
        ("checkins", "sleep_hours", "-7.5", "sleep_hours must be between 0 and 16, not -7.5"),
        ("checkins", "sleep_hours", "7.25", "sleep_hours must be in half hours, not 7.25"),
        ("checkins", "sleep_hours", "7.51", "sleep_hours must be in half hours, not 7.51"),
        ("checkins", "sleep_quality", "", "sleep_quality is missing"),
        ("checkins", "sleep_hours", "", "sleep_hours is missing"),
        ("sessions", "sets", "101", "sets must be between 0 and 100, not 101"),
        ("sessions", "reps", "1001", "reps must be between 0 and 1000, not 1001"),
        ("sessions", "hold_seconds", "3601", "hold_seconds must be between 0 and 3600, not 3601"),
        ("sessions", "pain_during", "11", "pain_during must be between 0 and 10, not 11"),
        # A runaway cell is quoted short, and more digits than int() reads is no crash.
        ("checkins", "pain", "9" * 5000, f"pain must be between 0 and 10, not {'9' * 20}…"),
        ("checkins", "pain", "x" * 50, f"pain “{'x' * 20}…” is not a plain number"),
    ],
)
def test_the_message_names_file_line_column_and_value(alice, library, file, column, value, message):
    text = checkins(**{column: value}) if file == "checkins" else sessions(**{column: value})
    report = run(alice, patients=PATIENTS, **{file: text})
    assert errors(report) == [f"{file}.csv, line 3: {message}"]
    assert nothing_imported()


def test_every_bad_row_is_reported_and_nothing_is_imported(alice, library):
    bad_checkins = csv_text(
        CHECKIN_COLUMNS,
        GOOD_CHECKIN,
        {**GOOD_CHECKIN, "date": "2026-08-02", "sleep_hours": "1e1"},
        {**GOOD_CHECKIN, "date": "2026-08-03", "pain": "inf"},
    )
    report = run(alice, patients=PATIENTS, checkins=bad_checkins, sessions=sessions(reps="1_0"))
    assert errors(report) == [
        "checkins.csv, line 3: sleep_hours “1e1” is not a plain number",
        "checkins.csv, line 4: pain “inf” is not a plain number",
        "sessions.csv, line 3: reps “1_0” is not a plain number",
    ]
    assert nothing_imported()


# --- Accepted: plain numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hours"),
    [("7.5", "7.5"), ("7.50", "7.5"), ("8", "8"), ("8.0", "8"), ("0", "0"), ("16", "16"),
     ("07.5", "7.5"), (" 6.5 ", "6.5")],
)  # fmt: skip
def test_sleep_hours_in_plain_half_hours_are_imported(alice, library, value, hours):
    report = run(alice, patients=PATIENTS, checkins=checkins(sleep_hours=value))
    assert report.ok, errors(report)
    checkin = DailyCheckin.objects.get(local_date="2026-08-02")
    assert checkin.sleep_hours == Decimal(hours)


@pytest.mark.parametrize(("value", "number"), [("0", 0), ("10", 10), ("07", 7), (" 4 ", 4)])
def test_whole_numbers_written_plainly_are_imported(alice, library, value, number):
    report = run(
        alice,
        patients=PATIENTS,
        checkins=checkins(pain=value, stress=value),
        sessions=sessions(pain_during=value, sets=value),
    )
    assert report.ok, errors(report)
    checkin = DailyCheckin.objects.get(local_date="2026-08-02")
    assert (checkin.pain, checkin.stress) == (number, number)
    log = ExerciseLog.objects.get(local_date="2026-08-02")
    assert log.pain_during == number and log.sets_done == number


def test_optional_session_numbers_may_be_left_blank(alice, library):
    blank = dict.fromkeys(SESSION_NUMBERS, "")
    report = run(alice, patients=PATIENTS, sessions=sessions(**blank))
    assert report.ok, errors(report)
    log = ExerciseLog.objects.get(local_date="2026-08-02")
    assert log.sets_done is None and log.pain_during is None


# --- Empty files ------------------------------------------------------------------------------

BLANK = ["", "\n", "  \r\n\t\n", "\ufeff", "\ufeff\n\n"]


@pytest.mark.parametrize("text", BLANK)
@pytest.mark.parametrize("file", ["patients", "checkins", "sessions"])
def test_the_service_says_a_blank_file_is_empty_and_imports_nothing(alice, library, file, text):
    report = run(alice, **{"patients": PATIENTS, file: text})
    assert errors(report) == [f"{file}.csv, line 1: the file is empty"]
    assert nothing_imported()


@pytest.mark.parametrize("file", ["checkins", "sessions"])
def test_a_file_with_only_its_header_imports_nothing_from_it(alice, library, file):
    header = ",".join(CHECKIN_COLUMNS if file == "checkins" else SESSION_COLUMNS) + "\n"
    report = run(alice, patients=PATIENTS, **{file: header})
    assert report.ok, errors(report)
    assert PatientProfile.objects.filter(user__email="new@p.test").exists()
    assert not DailyCheckin.objects.exists() and not Session.objects.exists()


# --- The command --------------------------------------------------------------------------


def command(alice: User, tmp_path: Path, *extra: str, **files: str | bytes) -> str:
    args = ["--clinic", alice.clinic.name, "--therapist", alice.email, *extra]  # type: ignore[union-attr]
    for name, content in files.items():
        path = tmp_path / f"{name}.csv"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        args += [f"--{name}", str(path)]
    out = io.StringIO()
    call_command("import_logs", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.parametrize("content", [b"", b"\n", b" \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n"])
@pytest.mark.parametrize("file", ["patients", "checkins", "sessions"])
def test_the_command_names_an_empty_file(alice, library, tmp_path, file, content):
    files: dict[str, str | bytes] = {"patients": PATIENTS, file: content}
    with pytest.raises(CommandError) as raised:
        command(alice, tmp_path, **files)
    assert str(raised.value) == f"{tmp_path / f'{file}.csv'} is empty."
    assert nothing_imported()


def test_the_command_still_wants_at_least_one_file(alice, tmp_path):
    with pytest.raises(CommandError, match="Give at least one of --patients"):
        command(alice, tmp_path)


def test_the_command_imports_nothing_from_a_file_with_only_its_header(alice, library, tmp_path):
    header = ",".join(CHECKIN_COLUMNS) + "\n"
    out = command(alice, tmp_path, checkins=header, patients=PATIENTS)
    assert "Imported:" in out and "checkins: 0" in out and "patients: 1" in out
    assert PatientProfile.objects.exists() and not DailyCheckin.objects.exists()
    # Only headers: a valid import of nothing, as on the upload page.
    out = command(alice, tmp_path, "--dry-run", checkins=header)
    assert "Would import:" in out and "checkins: 0" in out


def test_the_command_prints_each_bad_number_and_imports_nothing(alice, library, tmp_path):
    err = io.StringIO()
    path = tmp_path / "checkins.csv"
    path.write_text(checkins(sleep_hours="1e1"))
    args = ["--clinic", alice.clinic.name, "--therapist", alice.email, "--checkins", str(path)]
    args += ["--patients", str(tmp_path / "patients.csv")]
    (tmp_path / "patients.csv").write_text(PATIENTS)
    with pytest.raises(CommandError, match=r"^1 bad row\(s\); nothing was imported\.$"):
        call_command("import_logs", *args, stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == "checkins.csv, line 3: sleep_hours “1e1” is not a plain number\n"
    assert nothing_imported()
