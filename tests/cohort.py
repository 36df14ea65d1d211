"""Where the synthetic cohort lives for the alert-quality tests.

REHABIT_COHORT_DIR names another cohort drawn the same way; otherwise the shared sample
beside the repository, else the copy kept under tests/fixtures.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cohort_dir() -> Path:
    for candidate in (
        os.environ.get("REHABIT_COHORT_DIR"),
        ROOT.parent / "shared" / "cohort",
        ROOT / "tests" / "fixtures" / "cohort",
    ):
        if candidate and (Path(candidate) / "truth.json").is_file():
            return Path(candidate)
    raise FileNotFoundError("no cohort: set REHABIT_COHORT_DIR")
