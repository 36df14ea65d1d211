"""Replay a synthetic cohort through the trend rules and score the flags, without Django.

The daily job is imitated day by day: for every patient and every local date it builds
the ``PatientWindow`` the selector would build, runs ``evaluate`` and ``reconcile`` and
keeps the flag state the flag service would keep. The score follows
``cohort/README.md`` exactly:

- an expected event is detected when a flag of one of its listed kinds *opens* between
  3 days before and 10 days after its onset; its delay is opening date − onset;
- a false alarm is any flag that opens for a patient whose ``expect`` is empty;
- sensitivity = detected ÷ expected events; false alarms are per no-event patient;
  delay is the median over detected events.

Reported beside the false alarms: *pre-onset* flags, any flag that opens for a patient
with events before the window of their first event (3 days before its onset). Those are
false alarms too, on patients whose trouble had not begun yet, and a flag of the event's
kind still open when it begins hides the event, since only an opening detects it.

Red-light flags are counted apart and not scored: a red light is not a trend the rules
infer but a session the patient rated in the red, passed on because the patient is told
their therapist hears about it. truth.json designs trend events only; the cohort's steady
patients include people whose usual pain after exercise is 6 or 7, so their red lights would
count as "false" alarms that no rule setting could or should remove.

Run from the repository root:
``python -m tests.unit.cohort_replay [COHORT_DIR] [--literal] [--set '{"threshold": value}']``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tests.cohort import cohort_dir
from tracker.trends import (
    AdherenceDay,
    DailyCheckin,
    FlagActionKind,
    FlagKind,
    FunctionScore,
    OpenFlag,
    PatientWindow,
    ResolvedFlag,
    SessionPain,
    Severity,
    Thresholds,
    evaluate,
    reconcile,
)

REPLAY_FROM = date(2026, 8, 1)
REPLAY_TO = date(2026, 10, 29)
DETECT_BEFORE_DAYS = 3
DETECT_AFTER_DAYS = 10

# The rules exactly as PRODUCT.md words them, without this module's documented deviations
# (see ``Thresholds``): for measuring what each deviation buys.
PRODUCT_LITERAL: dict[str, float | int | bool] = {
    "pain_creep_baseline": False,
    "spike_hold_days": 1,
    "spike_absolute_checkins": 1,
    "settle_max_age_days": 28,
    "settle_morning_min_session_rise": -10,
    "adherence_min_days": 1,
    "adherence_min_z": 0,
    "quiet_usual_chance": 0,
    "adherence_confirm_days": 0,
    "change_standard_errors": 0,
    "sleep_stress_standard_errors": 0,
    "spike_above_scatter": 0,
}


@dataclass
class PatientHistory:
    email: str
    program_start: date | None
    exercises_per_day: int
    checkins: list[DailyCheckin] = field(default_factory=list)
    sessions: list[SessionPain] = field(default_factory=list)
    done_by_date: Counter[date] = field(default_factory=Counter)
    # Outcome measure scores (the cohort files have none; a test may add them).
    function_scores: list[FunctionScore] = field(default_factory=list)


@dataclass(frozen=True)
class FlagEvent:
    patient: str
    kind: FlagKind
    severity: Severity
    status: str  # "open", "escalated" or "resolved", as ``evaluate_trends --json``
    on: date
    summary: str


@dataclass
class Score:
    expected: int
    detected: int
    delays: list[int]
    no_event_patients: int
    false_alarms: int
    missed_by_kind: Counter[str]
    false_alarms_by_kind: Counter[str]
    red_lights: int = 0  # red-light openings, passed on as reports, not scored
    event_patients: int = 0
    pre_onset: int = 0  # openings on event patients before their first event's window
    pre_onset_by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def sensitivity(self) -> float:
        return self.detected / self.expected if self.expected else 1.0

    @property
    def false_alarms_per_quiet_patient(self) -> float:
        return self.false_alarms / self.no_event_patients if self.no_event_patients else 0.0

    @property
    def pre_onset_per_event_patient(self) -> float:
        return self.pre_onset / self.event_patients if self.event_patients else 0.0

    @property
    def median_delay(self) -> float | None:
        return statistics.median(self.delays) if self.delays else None


def load_cohort(directory: Path) -> dict[str, PatientHistory]:
    """Read patients.csv, checkins.csv and sessions.csv (the import format of PRODUCT.md)."""
    patients: dict[str, PatientHistory] = {}
    with open(directory / "patients.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            slugs = [s for s in row["exercises"].split(";") if s.strip()]
            start = row.get("program_start") or ""
            patients[row["email"]] = PatientHistory(
                email=row["email"],
                program_start=date.fromisoformat(start) if start else None,
                # every program in the cohort: each exercise once a day, every day
                exercises_per_day=len(slugs),
            )
    with open(directory / "checkins.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            patients[row["patient_email"]].checkins.append(
                DailyCheckin(
                    date=date.fromisoformat(row["date"]),
                    pain=int(row["pain"]),
                    worst_pain=int(row["worst_pain"]),
                    sleep_hours=float(row["sleep_hours"]),
                    sleep_quality=int(row["sleep_quality"]),
                    stress=int(row["stress"]),
                )
            )
    sessions: dict[tuple[str, date, str], list[dict[str, str]]] = defaultdict(list)
    with open(directory / "sessions.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["patient_email"], date.fromisoformat(row["date"]), row["session_ref"])
            sessions[key].append(row)
    for (email, day, _ref), rows in sorted(sessions.items()):
        patient = patients[email]
        patient.sessions.append(
            SessionPain(
                date=day,
                pain_before=_first_int(r["pain_before"] for r in rows),
                pain_after=_first_int(r["pain_after"] for r in rows),
            )
        )
        patient.done_by_date[day] += sum(1 for r in rows if r["done"].strip() == "1")
    for patient in patients.values():
        patient.checkins.sort(key=lambda c: c.date)
        patient.sessions.sort(key=lambda s: s.date)
    return patients


def _first_int(values: Iterable[str | None]) -> int | None:
    """The first non-blank value as an integer (a session's rows share its pain ratings)."""
    for value in values:
        if value is not None and value.strip() != "":
            return int(value)
    return None


def window_for(patient: PatientHistory, as_of: date, lookback_days: int) -> PatientWindow:
    """The window the daily job's selector would build for ``as_of`` (inclusive)."""
    first = as_of - timedelta(days=lookback_days - 1)
    checkins = [c for c in patient.checkins if first <= c.date <= as_of]
    sessions = [s for s in patient.sessions if first <= s.date <= as_of]
    adherence = []
    if patient.program_start is not None:
        day = max(first, patient.program_start)
        while day <= as_of:
            adherence.append(
                AdherenceDay(day, patient.exercises_per_day, patient.done_by_date[day])
            )
            day += timedelta(days=1)
    activity = [c.date for c in patient.checkins if c.date <= as_of]
    activity += [s.date for s in patient.sessions if s.date <= as_of]
    return PatientWindow(
        as_of=as_of,
        checkins=checkins,
        sessions=sessions,
        adherence=adherence,
        last_activity=max(activity, default=None),
        program_start=patient.program_start,
        function_scores=patient.function_scores,
    )


def replay_patient(
    patient: PatientHistory,
    thresholds: Thresholds,
    start: date = REPLAY_FROM,
    end: date = REPLAY_TO,
) -> list[FlagEvent]:
    """Run the daily job for one patient from ``start`` to ``end`` and list flag events."""
    open_flags: dict[FlagKind, OpenFlag] = {}
    resolved: dict[FlagKind, ResolvedFlag] = {}
    events: list[FlagEvent] = []
    day = start
    while day <= end:
        findings = evaluate(window_for(patient, day, thresholds.lookback_days), thresholds)
        for action in reconcile(open_flags, resolved, findings, day, thresholds):
            summary = action.finding.summary if action.finding else ""
            if action.action is FlagActionKind.OPEN:
                open_flags[action.kind] = OpenFlag(action.severity, day)
                status = "open"
            elif action.action is FlagActionKind.ESCALATE:
                open_flags[action.kind] = OpenFlag(
                    action.severity, open_flags[action.kind].opened_on
                )
                status = "escalated"
            elif action.action is FlagActionKind.RESOLVE:
                del open_flags[action.kind]
                resolved[action.kind] = ResolvedFlag(action.severity, day)
                status = "resolved"
            else:
                continue
            events.append(
                FlagEvent(patient.email, action.kind, action.severity, status, day, summary)
            )
        day += timedelta(days=1)
    return events


def replay(
    patients: Mapping[str, PatientHistory], thresholds: Thresholds
) -> dict[str, list[FlagEvent]]:
    return {email: replay_patient(p, thresholds) for email, p in patients.items()}


@dataclass(frozen=True)
class Targets:
    """What a cohort's score must reach."""

    sensitivity: float
    false_alarms_per_quiet_patient: float
    median_delay: float
    pre_onset_per_event_patient: float

    def misses(self, result: Score) -> list[str]:
        """Each target ``result`` misses, in words; empty when it meets them all."""
        delay = result.median_delay
        checks = [
            (result.sensitivity >= self.sensitivity, f"sensitivity < {self.sensitivity:.0%}"),
            (
                result.false_alarms_per_quiet_patient <= self.false_alarms_per_quiet_patient,
                f"false alarms / quiet patient > {self.false_alarms_per_quiet_patient}",
            ),
            (delay is not None and delay <= self.median_delay, f"delay > {self.median_delay}"),
            (
                result.pre_onset_per_event_patient <= self.pre_onset_per_event_patient,
                f"pre-onset flags / event patient > {self.pre_onset_per_event_patient}",
            ),
        ]
        return [words for met, words in checks if not met]


# The standard sample: no worse than the rules before they weighed each patient's scatter.
STANDARD_TARGETS = Targets(0.97, 0.25, 3, 0.5)
# Cohorts whose ratings scatter more from day to day (the noisy sample and any drawn like it).
NOISY_TARGETS = Targets(0.95, 0.5, 3, 0.5)


# Kinds that report what a patient said rather than infer a trend (see the module docstring).
UNSCORED_KINDS = frozenset({FlagKind.RED_LIGHT})


def score(events: Mapping[str, list[FlagEvent]], truth: Mapping[str, dict]) -> Score:
    """Score flag openings against ``truth.json`` with the rule of cohort/README.md."""
    expected = detected = false_alarms = no_event = red_lights = event_patients = 0
    delays: list[int] = []
    missed: Counter[str] = Counter()
    false_by_kind: Counter[str] = Counter()
    pre_onset_by_kind: Counter[str] = Counter()
    for email, spec in truth.items():
        openings = [e for e in events.get(email, []) if e.status == "open"]
        red_lights += sum(1 for e in openings if e.kind in UNSCORED_KINDS)
        openings = [e for e in openings if e.kind not in UNSCORED_KINDS]
        if not spec["expect"]:
            no_event += 1
            false_alarms += len(openings)
            false_by_kind.update(e.kind.value for e in openings)
            continue
        event_patients += 1
        first_window = min(date.fromisoformat(e["onset"]) for e in spec["expect"]) - timedelta(
            days=DETECT_BEFORE_DAYS
        )
        pre_onset_by_kind.update(e.kind.value for e in openings if e.on < first_window)
        for event in spec["expect"]:
            expected += 1
            kinds = set(event["flags"].split("|"))
            onset = date.fromisoformat(event["onset"])
            hits = [
                (e.on - onset).days
                for e in openings
                if e.kind.value in kinds
                and onset - timedelta(days=DETECT_BEFORE_DAYS)
                <= e.on
                <= onset + timedelta(days=DETECT_AFTER_DAYS)
            ]
            if hits:
                detected += 1
                delays.append(min(hits))
            else:
                missed[event["flags"]] += 1
    return Score(
        expected,
        detected,
        delays,
        no_event,
        false_alarms,
        missed,
        false_by_kind,
        red_lights,
        event_patients,
        pre_onset_by_kind.total(),
        pre_onset_by_kind,
    )


def run(directory: Path, thresholds: Thresholds | None = None) -> Score:
    t = thresholds or Thresholds()
    truth = json.loads((directory / "truth.json").read_text())
    return score(replay(load_cohort(directory), t), truth)


def report(result: Score) -> str:
    delay = result.median_delay
    lines = [
        f"sensitivity            {result.sensitivity:.1%} "
        f"({result.detected}/{result.expected} events)",
        f"false alarms / quiet   {result.false_alarms_per_quiet_patient:.2f} "
        f"({result.false_alarms} over {result.no_event_patients} no-event patients)",
        f"pre-onset / event pt   {result.pre_onset_per_event_patient:.2f} "
        f"({result.pre_onset} over {result.event_patients} patients with events)",
        f"median delay           {'-' if delay is None else f'{delay:g} days'}",
        f"red lights (unscored)  {result.red_lights}",
    ]
    for kind, count in sorted(result.missed_by_kind.items()):
        lines.append(f"missed                 {kind}: {count}")
    for kind, count in sorted(result.false_alarms_by_kind.items()):
        lines.append(f"false alarms           {kind}: {count}")
    for kind, count in sorted(result.pre_onset_by_kind.items()):
        lines.append(f"pre-onset              {kind}: {count}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Replay a cohort and score its flags.")
    parser.add_argument("cohort", nargs="?", default=None, type=Path)
    parser.add_argument(
        "--literal", action="store_true", help="the rules exactly as PRODUCT.md words them"
    )
    parser.add_argument("--set", default="{}", help='threshold overrides as JSON, e.g. {"x": 1}')
    args = parser.parse_args(argv[1:])
    overrides: dict[str, float | int | bool] = dict(PRODUCT_LITERAL) if args.literal else {}
    overrides.update(json.loads(args.set))
    cohort = args.cohort or cohort_dir()
    print(report(run(cohort, Thresholds.from_overrides(overrides))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
