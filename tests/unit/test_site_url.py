"""Links in emails point at the server `make run` starts, on the port it serves."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A target that prints what `make run`'s commands see, appended to the project's Makefile.
PROBE = 'site-url-probe:\n\t@echo "$$SITE_URL"\n'

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def site_url_seen_by_make_run(tmp_path: Path, *args: str, site_url: str | None = None) -> str:
    probe = tmp_path / "probe.mk"
    probe.write_text(PROBE)
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    if site_url is not None:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", "Makefile", "-f", str(probe), *args,
         "site-url-probe"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    return result.stdout.strip()


def test_it_follows_the_port_make_run_serves(tmp_path):
    assert site_url_seen_by_make_run(tmp_path, "PORT=8101") == "http://127.0.0.1:8101"


def test_it_follows_the_host_too(tmp_path):
    assert site_url_seen_by_make_run(tmp_path, "HOST=0.0.0.0", "PORT=9000") == "http://0.0.0.0:9000"


def test_it_defaults_to_port_8000(tmp_path):
    assert site_url_seen_by_make_run(tmp_path) == "http://127.0.0.1:8000"


def test_a_site_url_already_set_wins(tmp_path):
    public = "https://rehabit.example.org"
    assert site_url_seen_by_make_run(tmp_path, "PORT=8101", site_url=public) == public
