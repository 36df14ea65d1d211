"""Draw a synthetic cohort like ``cohort/``, with any seed and any day-to-day scatter.

For checking that the trend rules hold on patients no one tuned them for: the rules are
judged on cohorts drawn with other seeds and scatter levels than the samples kept
beside the repository. The trajectories follow the sample's README and what its files
show (levels, the size and shape of each designed event, how often patients log); the
drawing is this module's own, so its cohorts resemble the sample's rather than repeat
them. ``scatter`` multiplies the day-to-day scatter of every rating (1.5 is the noisy
sample). Nothing in the test suite reads these cohorts: the samples are the reference.

``python -m tests.unit.cohort_draw OUT_DIR [--seed N] [--scatter X] [--per-kind N]``
writes ``patients.csv``, ``checkins.csv``, ``sessions.csv`` and ``truth.json`` there,
ready for ``python -m tests.unit.cohort_replay OUT_DIR``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

START = date(2026, 8, 1)
DAYS = 90
EXERCISES = ("sciatic-nerve-glide", "glute-bridge", "clamshell", "calf-raise")
TIMEZONES = ("Europe/London", "America/Denver", "Australia/Sydney", "Asia/Kolkata")
KINDS = (
    "stable",
    "improving",
    "gradual_pain",
    "flare",
    "sleep_driven",
    "stress_driven",
    "gone_quiet",
    "adherence_drop",
    "not_settling",
    "sparse_stable",
)

# Day-to-day scatter of each rating at scatter 1, before rounding to the scale's steps
# (what the sample's steady patients show once the rounding is taken out).
SCATTER = {
    "pain": 0.8,
    "sleep_quality": 0.9,
    "stress": 0.95,
    "sleep_hours": 0.45,
    "session": 0.85,  # pain before a session, around the day's pain
}
# Worst pain follows the day's pain, and pain after a session the pain before it, each
# with a little scatter of its own that the samples show does not grow with the rest.
WORST_SCATTER = 0.6
SESSION_CHANGE_SCATTER = 0.6


def _clamp(value: float, low: float = 0, high: float = 10) -> float:
    return min(max(value, low), high)


def _ramp(day: int, start: int, end: int) -> float:
    """0 before ``start``, 1 from ``end``, linear between."""
    if day <= start:
        return 0.0
    if day >= end:
        return 1.0
    return (day - start) / (end - start)


@dataclass
class _Patient:
    email: str
    kind: str
    pain: list[float]
    sleep_quality: list[float]
    sleep_hours: list[float]
    stress: list[float]
    checkin_chance: list[float]
    session_chance: list[float]
    after_rise: list[float]
    expect: list[dict[str, str]] = field(default_factory=list)


def _draw_patient(rng: random.Random, email: str, kind: str) -> _Patient:
    pain0 = rng.uniform(2.0, 5.8) if kind != "improving" else rng.uniform(4.0, 7.0)
    quality0, stress0 = rng.uniform(5.5, 8.2), rng.uniform(1.8, 5.3)
    hours0 = rng.uniform(6.2, 8.1)
    pain = [pain0] * DAYS
    quality, hours, stress = [quality0] * DAYS, [hours0] * DAYS, [stress0] * DAYS
    regular = 0.93 if kind != "sparse_stable" else rng.uniform(0.62, 0.78)
    checkin_chance, session_chance = [regular] * DAYS, [regular - 0.06] * DAYS
    after_rise = [rng.uniform(-0.2, 0.3)] * DAYS
    expect: list[dict[str, str]] = []

    def onset_between(first: date, last: date) -> int:
        return rng.randint((first - START).days, (last - START).days)

    def iso(day: int) -> str:
        return (START + timedelta(days=day)).isoformat()

    def pain_rise(onset: int, lead: int) -> None:
        rise, length = rng.uniform(2.5, 3.6), rng.randint(5, 9)
        for d in range(DAYS):
            pain[d] += rise * _ramp(d, onset - lead, onset - lead + length)

    match kind:
        case "improving":
            fall = rng.uniform(1.5, 3.0)
            pain = [pain0 - fall * d / DAYS for d in range(DAYS)]
        case "gradual_pain":
            onset = onset_between(date(2026, 9, 20), date(2026, 10, 12))
            creep = rng.uniform(0.0, 0.5)
            pain = [pain0 + creep * _ramp(d, onset - 28, onset) for d in range(DAYS)]
            pain_rise(onset, 2)
            expect.append({"flags": "pain_rising", "onset": iso(onset)})
        case "flare":
            onset = onset_between(date(2026, 9, 10), date(2026, 10, 1))
            rise, length = rng.uniform(3.8, 5.0), rng.randint(9, 12)
            for d in range(onset, min(onset + length, DAYS)):
                pain[d] += rise
            for d in range(onset + length, DAYS):
                pain[d] += 0.3
            expect.append({"flags": "pain_rising|pain_spike", "onset": iso(onset)})
        case "sleep_driven":
            onset = onset_between(date(2026, 9, 14), date(2026, 10, 1))
            drop, lost = rng.uniform(2.8, 4.3), rng.uniform(1.1, 2.1)
            for d in range(DAYS):
                quality[d] -= drop * _ramp(d, onset - 1, onset + 1)
                hours[d] -= lost * _ramp(d, onset - 1, onset + 1)
            pain_onset = onset + rng.randint(10, 14)
            pain_rise(pain_onset, 5)
            expect.append({"flags": "sleep_worsening", "onset": iso(onset)})
            expect.append({"flags": "pain_rising", "onset": iso(pain_onset)})
        case "stress_driven":
            onset = onset_between(date(2026, 9, 10), date(2026, 10, 2))
            rise = rng.uniform(2.8, 4.3)
            for d in range(DAYS):
                stress[d] += rise * _ramp(d, onset - 1, onset + 1)
            pain_onset = onset + rng.randint(11, 15)
            pain_rise(pain_onset, 5)
            expect.append({"flags": "stress_rising", "onset": iso(onset)})
            expect.append({"flags": "pain_rising", "onset": iso(pain_onset)})
        case "gone_quiet":
            onset = onset_between(date(2026, 9, 10), date(2026, 9, 30))
            for d in range(onset, DAYS):
                checkin_chance[d] = session_chance[d] = 0.0
            expect.append({"flags": "gone_quiet", "onset": iso(onset)})
        case "adherence_drop":
            onset = onset_between(date(2026, 9, 10), date(2026, 9, 28))
            low = rng.uniform(0.08, 0.22)
            for d in range(onset, DAYS):
                session_chance[d] = low
            expect.append({"flags": "adherence_drop", "onset": iso(onset)})
        case "not_settling":
            onset = onset_between(date(2026, 9, 10), date(2026, 10, 1))
            rise = rng.uniform(2.8, 4.0)
            for d in range(onset, DAYS):
                after_rise[d] = rise
            expect.append({"flags": "not_settling", "onset": iso(onset)})
    return _Patient(
        email, kind, pain, quality, hours, stress, checkin_chance, session_chance, after_rise,
        expect,
    )  # fmt: skip


def draw(out: Path, seed: int, scatter: float, per_kind: int = 5) -> None:
    """Write a cohort of ``per_kind`` patients of each trajectory to ``out``."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict[str, object]] = {}
    patients_rows, checkin_rows, session_rows = [], [], []
    number = 0
    for kind in KINDS:
        for _ in range(per_kind):
            number += 1
            email = f"patient{seed}-{number:04d}@cohort.example"
            p = _draw_patient(rng, email, kind)
            truth[email] = {"kind": kind, "expect": p.expect}
            patients_rows.append([email, rng.choice(TIMEZONES), ";".join(EXERCISES), START])
            # each patient scatters a little more or less than the next
            own = scatter * rng.uniform(0.85, 1.15)

            def rating(level: float, spread: str, own: float = own) -> int:
                return round(_clamp(rng.gauss(level, SCATTER[spread] * own)))

            def follows(level: float, spread: float) -> int:
                return round(_clamp(rng.gauss(level, spread)))

            for d in range(DAYS):
                day = START + timedelta(days=d)
                if rng.random() < p.checkin_chance[d]:
                    felt = rng.gauss(p.pain[d], SCATTER["pain"] * own)
                    pain = round(_clamp(felt))
                    worst = max(pain, follows(felt + 1.0, WORST_SCATTER))
                    hours = _clamp(rng.gauss(p.sleep_hours[d], SCATTER["sleep_hours"] * own), 0, 16)
                    checkin_rows.append(
                        [
                            email, day, pain, worst, f"{round(hours * 2) / 2:.1f}",
                            rating(p.sleep_quality[d], "sleep_quality"),
                            rating(p.stress[d], "stress"), "",
                        ]
                    )  # fmt: skip
                if rng.random() < p.session_chance[d]:
                    before = rating(p.pain[d] - 0.3, "session")
                    after = follows(before + p.after_rise[d], SESSION_CHANGE_SCATTER)
                    for slug in EXERCISES:
                        done = rng.random() < 0.92
                        session_rows.append(
                            [
                                email, day, 1, slug, int(done), 2 if done else 0,
                                12 if done else 0, "", before, after,
                                round((before + after) / 2) if done else "", "",
                            ]
                        )  # fmt: skip
    _write(out / "patients.csv", ["email", "timezone", "exercises", "program_start"], patients_rows)
    _write(
        out / "checkins.csv",
        ["patient_email", "date", "pain", "worst_pain", "sleep_hours", "sleep_quality", "stress",
         "note"],
        checkin_rows,
    )  # fmt: skip
    _write(
        out / "sessions.csv",
        ["patient_email", "date", "session_ref", "exercise_slug", "done", "sets", "reps",
         "hold_seconds", "pain_before", "pain_after", "pain_during", "note"],
        session_rows,
    )  # fmt: skip
    (out / "truth.json").write_text(json.dumps(truth, indent=1))


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Draw a synthetic cohort.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scatter", type=float, default=1.0)
    parser.add_argument("--per-kind", type=int, default=5)
    args = parser.parse_args(argv[1:])
    draw(args.out, args.seed, args.scatter, args.per_kind)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
