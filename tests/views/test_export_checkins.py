import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.workspace import give_program, live_days
from tracker.models import AuditEvent, DailyCheckin
from tracker.selectors.export import spreadsheet_safe

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(pat, alice):
    give_program(pat, alice, pat.local_today() - timedelta(days=10))
    live_days(pat, 3, pain=4, symptoms=("aching", "sharp"))
    return pat


def rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


URL_NAME = "therapist-export-checkins"


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain note", "plain note"),
        (3, "3"),
        (None, ""),
    ],
)
def test_it_defuses_cells_a_spreadsheet_would_run(value, cell):
    assert spreadsheet_safe(value) == cell


def test_it_exports_check_ins_in_the_interchange_columns(as_alice, history):
    DailyCheckin.objects.filter(patient=history).update(note="=cmd|' /C calc'!A0")
    response = as_alice.get(reverse(URL_NAME, args=[history.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    table = rows(response)
    assert table[0] == [
        "patient_email", "date", "pain", "worst_pain", "sleep_hours", "sleep_quality", "stress",
        "note",
    ]  # fmt: skip
    assert len(table) == 4
    assert table[1][0] == "pat@patient.test" and table[1][2] == "4" and table[1][4] == "7.5"
    assert table[1][7] == "'=cmd|' /C calc'!A0"


def test_it_audits_the_export(as_alice, alice, history):
    as_alice.get(reverse(URL_NAME, args=[history.pk]))
    event = AuditEvent.objects.get(action="patient.exported", actor=alice, patient=history)
    assert event.detail["what"] == "checkins"


def test_it_is_404_for_another_clinic(client, charlie, pat):
    assert login(client, charlie).get(reverse(URL_NAME, args=[pat.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="patient.exported").exists()
