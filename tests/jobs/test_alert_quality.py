"""Alert quality on the synthetic cohorts, through the real commands and database.

Each cohort is imported with `import_logs`, replayed with `evaluate_trends --replay … --json`,
and the printed flag events are scored against truth.json with the cohort's own rule: the
standard sample against its targets, the noisy one (ratings scattering 1.5 times more from
day to day) against the noisy targets. REHABIT_COHORT_DIR and REHABIT_NOISY_COHORT_DIR point
at other cohorts drawn the same way; by default the shared ones beside the repository are
used, or the copies under tests/fixtures.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from tests.cohort import cohort_dir, noisy_cohort_dir
from tests.conftest import make_user
from tests.unit.cohort_replay import (
    NOISY_TARGETS,
    STANDARD_TARGETS,
    FlagEvent,
    Targets,
    report,
    score,
)
from tracker.models import Clinic
from tracker.services.library import library_seed
from tracker.trends import FlagKind, Severity


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cohort", "targets"),
    [(cohort_dir(), STANDARD_TARGETS), (noisy_cohort_dir(), NOISY_TARGETS)],
    ids=["standard", "noisy"],
)
def test_the_rules_flag_the_designed_events_early_and_rarely_cry_wolf(cohort, targets: Targets):
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
    assert result.no_event_patients > 0 and result.event_patients > 0
    assert not targets.misses(result), f"{targets.misses(result)}\n{report(result)}"
