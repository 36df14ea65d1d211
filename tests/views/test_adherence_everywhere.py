"""One patient, one day, one adherence: every screen, report, export and the trend job agree.

Dee lives in Denver and is seen by Alice in London. At 03:30 UTC on Friday 20 November it
is already Friday in London but still Thursday evening in Denver, so Dee's "yesterday" is
Wednesday 18 November, and that is where every figure must end.

Dee's program started on Monday 2 November:
- bridge, every day, once a day; from Saturday 14 November twice a day (a dosage change
  in the middle of the 7-day window);
- walk on Mondays, Wednesdays and Fridays;
- squat on any 3 days a week (a week's dose goes to its earliest days).

Last 7 days (Thu 12 – Wed 18 Nov), by hand:
- bridge: due 1 + 1 + 5 × 2 = 12; done 1 (Thu) + 0 (Fri, skipped) + 2 (Sat)
  + 1 (Sun, one of two) + 2 + 2 + 0 = 8;
- walk: due Fri 13, Mon 16, Wed 18 = 3; done Fri and Mon = 2;
- squat: due 7 × 3/7 = 3; done Mon 16 and Tue 17 = 2 (Thursday's came after Monday to
  Wednesday had used up that week's three);
- 12 of 18 = 66.7 % → "67 %".
Last 28 days (Thu 22 Oct – Wed 18 Nov), due on the 17 days from 2 November:
- bridge: due 10 + 12 = 22, done 10 + 8 = 18; walk: due 5 + 3 = 8, done 5 + 2 = 7;
- squat: due 17 × 3/7 = 7.29, done 3 + 3 + 2 = 8;
- 33 of 37.29 = 88.5 % → "89 %" (half up, on every screen).
What Dee logs today (Thursday in Denver) counts nowhere yet.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import login, make_exercise, make_patient
from tracker import trends
from tracker.selectors.trends import patient_windows
from tracker.services.logbook import exercise_log_record, session_start
from tracker.services.prescribing import (
    DosageSpec,
    prescription_add,
    prescription_change_dosage,
    program_create,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)
MONDAY = date(2026, 11, 2)
DEE_TODAY = date(2026, 11, 19)
LAST_7 = (date(2026, 11, 12), date(2026, 11, 18))
SEVEN, TWENTY_EIGHT = "67 %", "89 %"


def day(n: int) -> date:
    """Day ``n`` of November."""
    return date(2026, 11, n)


@pytest.fixture
def dee(clinic, alice):
    alice.timezone = "Europe/London"
    alice.save(update_fields=["timezone"])
    with time_machine.travel(NOW, tick=False):
        patient = make_patient("dee@patient.test", clinic, alice, tz="America/Denver")
        assert patient.local_today() == DEE_TODAY
        program = program_create(
            patient=patient, therapist=alice, title="Knee plan", start_date=MONDAY
        )
        bridge = prescription_add(
            program=program,
            exercise=make_exercise("glute-bridge"),
            dosage=DosageSpec(2, 12, None),
            valid_from=MONDAY,
        )
        walk = prescription_add(
            program=program,
            exercise=make_exercise("walk"),
            dosage=DosageSpec(1, 6, None, weekdays=0b0010101),  # Mon, Wed, Fri
            valid_from=MONDAY,
        )
        squat = prescription_add(
            program=program,
            exercise=make_exercise("chair-squat"),
            dosage=DosageSpec(2, 10, None, days_per_week=3),
            valid_from=MONDAY,
        )
        bridge_twice = prescription_change_dosage(
            prescription=bridge,
            dosage=DosageSpec(2, 12, None, times_per_day=2),
            notes="",
            effective_on=day(14),
        )

        def log(on: date, prescribed, occurrence: int = 1, status: str = "done") -> None:
            session = session_start(
                patient=patient,
                client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"dee:{on}"),
                pain_before=2,
                local_date=on,
            )
            exercise_log_record(
                session=session, prescribed=prescribed, occurrence=occurrence, status=status
            )

        for n in range(2, 12):  # 2–11 Nov: the bridge every day
            log(day(n), bridge)
        for n in (2, 4, 6, 9, 11, 13, 16):  # walks on the due days but Wednesday 18th
            log(day(n), walk)
        for n in (2, 3, 4, 9, 10, 11, 12, 16, 17):  # squats
            log(day(n), squat)
        log(day(12), bridge)
        log(day(13), bridge, status="skipped")
        for n in (14, 16, 17):
            log(day(n), bridge_twice, 1)
            log(day(n), bridge_twice, 2)
        log(day(15), bridge_twice, 1)  # one of two
        log(DEE_TODAY, bridge_twice, 1)  # today: not over yet, counts nowhere
        log(DEE_TODAY, walk)
    return patient


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_caseload_shows_dee_s_figures(client, alice, dee, at_now):
    page = text(login(client, alice).get(reverse("therapist-caseload")))
    row = page[page.index("Dee") :]
    row = row[: row.index("</tr>")]
    assert row.count(SEVEN) == 1 and row.count(TWENTY_EIGHT) == 1
    assert "17 of 28 days" in row


def test_the_record_tiles_show_the_same_figures_and_their_days(client, alice, dee, at_now):
    page = text(login(client, alice).get(reverse("therapist-record", args=[dee.pk])))
    tiles = page[page.index('class="summary-cards"') :]
    tiles = tiles[: tiles.index("</section>")]
    assert SEVEN in tiles and TWENTY_EIGHT in tiles
    assert "12 Nov to 18 Nov" in tiles and "22 Oct to 18 Nov" in tiles
    assert "due on 17 of 28 days" in tiles
    # The calendar counts whole days; it never shows a percentage of its own.
    calendar = page[page.index("Days with everything done") :]
    calendar = calendar[: calendar.index("</figure>")]
    assert "adherence" not in calendar.lower() and "%" not in calendar.split("<svg")[0]


def test_the_printable_report_shows_the_same_figures(client, alice, dee, at_now):
    for days in (14, 28, 90):
        page = text(
            login(client, alice).get(reverse("therapist-report", args=[dee.pk]), {"days": days})
        )
        assert page.count(SEVEN) == 1 and page.count(TWENTY_EIGHT) == 1, days
        assert "Overall" not in page


def test_dee_s_progress_page_shows_the_same_figures(client, dee, at_now):
    page = text(login(client, dee.user).get(reverse("patient-progress")))
    assert SEVEN in page and TWENTY_EIGHT in page
    assert "due on 17 of 28 days" in page


def test_the_therapist_s_csv_export_holds_the_same_figures_and_days(client, alice, dee, at_now):
    response = login(client, alice).get(reverse("therapist-export-adherence", args=[dee.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["date"] == "2026-11-02" and rows[-1]["date"] == "2026-11-18"
    assert {(r["adherence_7d_to_yesterday"], r["adherence_28d_to_yesterday"]) for r in rows} == {
        ("66.7", "88.5")
    }
    week = [r for r in rows if r["date"] >= "2026-11-12"]
    due = sum(float(r["occurrences_due"]) for r in week)
    done = sum(float(r["occurrences_done"]) for r in week)
    assert (round(due, 1), round(done, 1)) == (18.0, 12.0)


def test_dee_s_data_downloads_hold_the_same_figures(client, dee, at_now):
    patient = login(client, dee.user)
    data = json.loads(text(patient.get(reverse("patient-data-json"))))
    assert data["adherence"]["last_7_days_to_yesterday_percent"] == 66.7
    assert data["adherence"]["last_28_days_to_yesterday_percent"] == 88.5
    archive = zipfile.ZipFile(io.BytesIO(patient.get(reverse("patient-data-csv")).content))
    rows = list(csv.DictReader(io.StringIO(archive.read("adherence.csv").decode("utf-8-sig"))))
    assert rows[-1]["adherence_7d_to_yesterday"] == "66.7"


def test_the_trend_job_judges_the_same_adherence(dee, at_now):
    """The nightly evaluation reads adherence through the same selector; the same 7 days
    give the same percentage, whichever later day the replay window runs to."""
    for end in (DEE_TODAY - timedelta(days=1), DEE_TODAY + timedelta(days=5)):
        window = patient_windows([dee.pk], start=day(2) - timedelta(days=30), end=end)[dee.pk]
        assert round(trends.adherence_pct(window.adherence, *LAST_7), 1) == 66.7
