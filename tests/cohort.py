"""Where the synthetic cohorts live for the alert-quality tests.

Two samples are scored: the standard one, and the noisy one (the same trajectories with
every rating's day-to-day scatter 1.5 times larger). REHABIT_COHORT_DIR and
REHABIT_NOISY_COHORT_DIR name other cohorts drawn the same way; otherwise the shared
samples beside the repository, else the copies kept under tests/fixtures.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "cohort"
FIXTURES = ROOT / "tests" / "fixtures" / "cohort"


def _first_cohort(*candidates: str | Path | None) -> Path:
    for candidate in candidates:
        if candidate and (Path(candidate) / "truth.json").is_file():
            return Path(candidate)
    raise FileNotFoundError("no cohort: set REHABIT_COHORT_DIR / REHABIT_NOISY_COHORT_DIR")


def cohort_dir() -> Path:
    """The standard sample."""
    return _first_cohort(os.environ.get("REHABIT_COHORT_DIR"), SHARED, FIXTURES)


def noisy_cohort_dir() -> Path:
    """The sample whose ratings scatter 1.5 times more from day to day."""
    return _first_cohort(
        os.environ.get("REHABIT_NOISY_COHORT_DIR"), SHARED / "noisy", FIXTURES / "noisy"
    )
