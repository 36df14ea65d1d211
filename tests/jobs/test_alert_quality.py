"""Alert quality on the synthetic cohort, through the real commands and database.

The cohort is imported with `import_logs`, replayed with `evaluate_trends --replay … --json`,
and the printed flag events are scored against truth.json with the cohort's own rule.
REHABIT_COHORT_DIR points at another cohort drawn the same way; by default the shared one
beside the repository is used, or the copy under tests/fixtures.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from tests.cohort import cohort_dir
from tests.conftest import make_user
from tests.unit.cohort_replay import FlagEvent, report, score
from tracker.models import Clinic
from tracker.services.library import library_seed
from tracker.trends import FlagKind, Severity


@pytest.mark.django_db
def test_the_rules_flag_the_designed_events_early_and_rarely_cry_wolf():
    cohort = cohort_dir()
    library_seed()
    clinic = Clinic.objects.create(name="Cohort Clinic")
    make_user("pt@cohort.test", clinic, "therapist")
    call_command(
        "import_logs",
        "--clinic=Cohort Clinic",
        "--therapist=pt@cohort.test",
        f"--patients={cohort / 'patients.csv'}",
        f"--checkins={cohort / 'checkins.csv'}",
        f"--sessions={cohort / 'sessions.csv'}",
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    call_command("evaluate_trends", "--replay", "2026-08-01", "2026-10-29", "--json", stdout=out)
    events: dict[str, list[FlagEvent]] = {}
    for line in out.getvalue().splitlines():
        e = json.loads(line)
        assert set(e) == {"patient", "kind", "severity", "status", "opened_on", "summary"}
        assert e["summary"] and any(ch.isdigit() for ch in e["summary"])
        if e["status"] == "open":
            events.setdefault(e["patient"], []).append(
                FlagEvent(
                    e["patient"], FlagKind(e["kind"]), Severity(e["severity"]), "open",
                    date.fromisoformat(e["opened_on"]), e["summary"],
                )
            )  # fmt: skip
    result = score(events, json.loads((cohort / "truth.json").read_text()))
    print(report(result))
    assert result.sensitivity >= 0.95, report(result)
    assert result.median_delay is not None and result.median_delay <= 3, report(result)
    assert result.false_alarms_per_quiet_patient <= 0.5, report(result)
