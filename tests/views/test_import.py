"""The clinic admin's import page runs the same service as `import_logs`."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.cohort import cohort_dir
from tests.concurrency import at_once
from tests.conftest import login
from tracker.models import AuditEvent, DailyCheckin, PatientProfile
from tracker.services import importer
from tracker.services.library import library_seed

pytestmark = pytest.mark.django_db
URL = reverse("therapist-import")

PATIENTS = (
    "email,timezone,exercises,program_start\nnew@p.test,Europe/London,glute-bridge,2026-08-01\n"
)
CHECKINS = (
    "patient_email,date,pain,worst_pain,sleep_hours,sleep_quality,stress,note\n"
    "new@p.test,2026-08-01,3,5,7.5,6,3,\n"
    "new@p.test,2026-08-02,3,5,7.5,6,3,=HYPERLINK(1)\n"
)


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def import_url(page: str) -> str:
    """The "Import now" button's address: it names the checked files."""
    return re.search(r'action="(/clinic/import/[0-9a-f-]{36}/)"', page)[1]


def check(client, therapist, **files):
    data = {"step": "check", "therapist": therapist.pk}
    data.update({name: upload(f"{name}.csv", text) for name, text in files.items()})
    return client.post(URL, data)


@pytest.fixture
def library(db):
    library_seed()


def test_it_is_404_for_therapists_who_are_not_clinic_admins(client, bob, pat):
    assert login(client, bob).get(URL).status_code == 404
    assert client.post(URL, {"step": "check"}).status_code == 404
    assert login(client, pat.user).get(URL).status_code == 404


def test_it_lists_every_bad_row_by_file_and_line_and_imports_nothing(as_alice, alice, library):
    bad_checkins = (
        CHECKINS + "new@p.test,2026-08-03,11,5,7.5,6,3,\nghost@p.test,2026-08-03,2,2,7,6,3,\n"
    )
    response = check(as_alice, alice, patients=PATIENTS, checkins=bad_checkins)
    page = response.content.decode()
    assert "rows need fixing; nothing was imported" in page
    assert '<td>checkins.csv</td><td class="num">4</td>' in page
    assert '<td>checkins.csv</td><td class="num">5</td>' in page
    assert "Import now" not in page
    assert not PatientProfile.objects.filter(user__email="new@p.test").exists()


def test_it_checks_then_imports_what_was_checked(as_alice, alice, library):
    page = check(as_alice, alice, patients=PATIENTS, checkins=CHECKINS).content.decode()
    assert "All rows are valid" in page and "Import now" in page
    assert not PatientProfile.objects.filter(user__email="new@p.test").exists()
    run = import_url(page)
    page = as_alice.post(run).content.decode()
    assert "Imported" in page
    profile = PatientProfile.objects.get(user__email="new@p.test")
    assert profile.therapist == alice
    assert DailyCheckin.objects.filter(patient=profile).count() == 2
    assert AuditEvent.objects.filter(action="caseload.imported", actor=alice).exists()
    # The checked files are gone: a replayed form imports nothing twice.
    assert as_alice.post(run).status_code == 404


def test_it_calls_the_same_service_as_the_command(as_alice, alice, library, monkeypatch):
    calls = []
    real = importer.import_caseload

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr("workspace.views.imports.import_caseload", spy)
    check(as_alice, alice, patients=PATIENTS)
    assert calls[0]["dry_run"] is True and calls[0]["clinic"] == alice.clinic
    assert calls[0]["patients_csv"] == PATIENTS and calls[0]["checkins_csv"] is None


def test_it_needs_at_least_one_file(as_alice, alice):
    response = as_alice.post(URL, {"step": "check", "therapist": alice.pk})
    assert response.status_code == 400
    assert "Choose at least one CSV file." in response.content.decode()


def test_it_refuses_a_file_that_is_not_utf8(as_alice, alice):
    data = {"step": "check", "therapist": alice.pk}
    data["patients"] = SimpleUploadedFile("patients.csv", "é".encode("latin-1"))
    response = as_alice.post(URL, data)
    assert response.status_code == 400 and "UTF-8" in response.content.decode()


def test_it_cannot_import_under_another_clinic_s_therapist(as_alice, charlie, library):
    response = as_alice.post(
        URL, {"step": "check", "therapist": charlie.pk, "patients": upload("p.csv", PATIENTS)}
    )
    assert response.status_code == 400


def test_it_checks_the_sample_cohort(as_alice, alice, library):
    files = {
        n: (cohort_dir() / f"{n}.csv").read_text() for n in ("patients", "checkins", "sessions")
    }
    page = check(as_alice, alice, **files).content.decode()
    assert "All rows are valid" in page, page[page.find("callout") : page.find("callout") + 2000]


def check_bytes(client, therapist, field: str, content: bytes, name: str = "upload.csv"):
    data = {"step": "check", "therapist": therapist.pk, field: SimpleUploadedFile(name, content)}
    return client.post(URL, data)


def field_error(page: str, message: str) -> bool:
    """The message sits beside its field, not only somewhere on the page."""
    return f'<p class="field-error">{message}' in page


def test_it_refuses_a_file_over_the_size_limit(as_alice, alice, library, settings):
    settings.REHABIT_IMPORT_MAX_BYTES = 100
    content = (PATIENTS + "x" * 200).encode()
    response = check_bytes(as_alice, alice, "patients", content)
    assert response.status_code == 400
    page = response.content.decode()
    assert field_error(page, "This file is larger than 100\xa0bytes.")
    assert "Import now" not in page


UTF16 = "This file is saved as UTF-16."
BINARY = "This file holds binary data, not CSV text."


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "patients.csv", "This is a PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "patients.xlsx", "This is an Excel workbook or a ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "patients.xls", "This is an Excel workbook,"),
        (b"%PDF-1.7\n", "patients.pdf", "This is a PDF document"),
        (b"\x00\x01\x02\x03binary", "patients.csv", BINARY),
        (PATIENTS.encode("utf-16"), "patients.csv", UTF16),
        (PATIENTS.encode("utf-16-le"), "patients.csv", BINARY),  # UTF-16 without its mark
        (b"", "patients.csv", "This file is empty."),
        (b"\xef\xbb\xbf\r\n \n", "patients.csv", "This file is empty."),
        (b"name,mail\nPat,pat@p.test\n", "patients.csv", "This is not a patients.csv file"),
        (CHECKINS.encode(), "checkins.csv", "This is not a patients.csv file"),  # wrong field
    ],
)
def test_it_refuses_what_is_not_a_csv_file_beside_the_field(
    as_alice, alice, library, content, name, message
):
    response = check_bytes(as_alice, alice, "patients", content, name)
    assert response.status_code == 400
    page = response.content.decode()
    assert field_error(page, message), page[page.find("field-error") - 200 :][:600]
    assert "Import now" not in page
    assert not PatientProfile.objects.exists()


def test_the_wrong_header_message_names_the_missing_columns(as_alice, alice):
    content = b"email,timezone\nnew@p.test,UTC\n"
    page = check_bytes(as_alice, alice, "patients", content).content.decode()
    assert "(missing: exercises, program_start)" in page


def test_text_in_place_of_a_file_counts_as_no_file(as_alice, alice):
    response = as_alice.post(URL, {"step": "check", "therapist": alice.pk, "patients": PATIENTS})
    assert response.status_code == 400
    assert "Choose at least one CSV file." in response.content.decode()


def test_it_reads_lines_ended_by_carriage_returns_alone(as_alice, alice, library):
    # As older spreadsheet programs on the Mac save them.
    page = check(as_alice, alice, patients=PATIENTS.replace("\n", "\r")).content.decode()
    assert "All rows are valid" in page


def test_a_cell_too_long_for_csv_is_a_row_error_and_nothing_is_imported(as_alice, alice, library):
    checkins = CHECKINS + "new@p.test,2026-08-03,3,5,7.5,6,3," + "n" * 140_000 + "\n"
    page = check(as_alice, alice, patients=PATIENTS, checkins=checkins).content.decode()
    assert '<td>checkins.csv</td><td class="num">4</td><td>not readable as CSV' in page
    assert "Import now" not in page


def test_a_nul_character_in_a_row_is_refused_by_the_service_too(alice, library):
    # The command line reaches the service without the form's checks.
    report = importer.import_caseload(
        clinic=alice.clinic, therapist=alice, patients_csv=PATIENTS,
        checkins_csv=CHECKINS.replace(",=HYPERLINK(1)", ",a\x00b"),
    )  # fmt: skip
    assert [(e.file, e.line, e.message) for e in report.errors] == [
        ("checkins.csv", 3, "contains a NUL character")
    ]
    assert not PatientProfile.objects.exists()


def test_an_import_step_without_files_is_a_check_of_nothing(as_alice, alice, library):
    check(as_alice, alice, patients=PATIENTS)
    response = as_alice.post(URL, {"step": "import", "token": "é"})
    assert response.status_code == 400
    assert not PatientProfile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_imports_sent_together_import_once_and_both_succeed(alice, clinic):
    """A double click on "Import now", or the same files imported from two tabs at once."""
    library_seed()

    def run() -> importer.ImportReport:
        return importer.import_caseload(
            clinic=clinic, therapist=alice, patients_csv=PATIENTS, checkins_csv=CHECKINS
        )

    reports, errors = at_once(run, run)
    assert errors == [] and all(report.ok for report in reports) and len(reports) == 2
    assert PatientProfile.objects.filter(user__email="new@p.test").count() == 1
    assert DailyCheckin.objects.filter(patient__user__email="new@p.test").count() == 2
    assert sorted(report.counts["patients_already_present"] for report in reports) == [0, 1]


@pytest.mark.parametrize(
    "content", [b"", b"\n", b" \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"]
)
@pytest.mark.parametrize("field", ["patients", "checkins", "sessions"])
def test_an_empty_file_is_named_empty_beside_its_field(as_alice, alice, library, field, content):
    data = {"step": "check", "therapist": alice.pk, "patients": upload("patients.csv", PATIENTS)}
    data[field] = SimpleUploadedFile(f"{field}.csv", content)
    response = as_alice.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    beside = rf'<label for="id_{field}">{field}.csv</label><input[^>]*>\s*<p class="field-error">'
    assert re.search(beside + r"This file is empty\.", page), page
    assert page.count('class="field-error"') == 1
    assert "Import now" not in page
    assert not PatientProfile.objects.exists()


def test_a_file_with_only_its_header_imports_nothing_from_it(as_alice, alice, library):
    """As with `import_logs`: a valid file with no rows, like an export of an empty table."""
    header = CHECKINS.splitlines()[0] + "\n"
    page = check(as_alice, alice, patients=PATIENTS, checkins=header).content.decode()
    assert "All rows are valid" in page and "<li>Check-ins: 0</li>" in page
    page = as_alice.post(import_url(page)).content.decode()
    assert "<li>New patients: 1</li>" in page and "<li>Check-ins: 0</li>" in page
    assert PatientProfile.objects.filter(user__email="new@p.test").exists()
    assert not DailyCheckin.objects.exists()


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("1e1,6,3,", "sleep_hours “1e1” is not a plain number"),
        ("nan,6,3,", "sleep_hours “nan” is not a plain number"),
        ("7.5,0x10,3,", "sleep_quality “0x10” is not a plain number"),
        ("7.5,6,1_0,", "stress “1_0” is not a plain number"),
        ("7.5,6,+3,", "stress “+3” is not a plain number"),
        ("7.5,6,3.5,", "stress “3.5” is not a whole number"),
    ],
)
def test_a_number_that_is_not_plain_is_listed_and_nothing_is_imported(
    as_alice, alice, library, cells, message
):
    checkins = CHECKINS + f"new@p.test,2026-08-03,3,5,{cells}\n"
    page = check(as_alice, alice, patients=PATIENTS, checkins=checkins).content.decode()
    row = f'<td>checkins.csv</td><td class="num">4</td><td>{message}</td>'
    assert row in page and "Import now" not in page
    assert not PatientProfile.objects.exists()
