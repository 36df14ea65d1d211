"""The built-in library's drawings: one per exercise, small, self-contained, described in words,
and exactly what tools/draw_illustrations.py makes from poses.yaml."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tracker.content import ILLUSTRATIONS_DIR, illustrations_by_slug, load_library

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "draw_illustrations.py"
SVG = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 8 * 1024
EXERCISES = load_library().exercises


def drawing_tool():
    spec = importlib.util.spec_from_file_location("draw_illustrations", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("draw_illustrations", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_every_exercise_has_a_small_self_contained_described_drawing(exercise):
    path = ILLUSTRATIONS_DIR / f"{exercise.slug}.svg"
    data = path.read_bytes()
    assert len(data) <= MAX_BYTES, f"{path.name}: {len(data)} bytes"
    root = ET.fromstring(data)  # well-formed, or this raises
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root[1] if root[0].tag != f"{SVG}title" else root[0]
    assert title.tag == f"{SVG}title" and title.text == exercise.illustration_alt
    assert root.get("aria-labelledby") == title.get("id")
    # The same under any Content-Security-Policy and in any page: nothing from outside,
    # nothing that runs, no style sheet; strokes follow one ink colour.
    text = data.decode()
    for element in root.iter():
        assert element.tag.removeprefix(SVG) not in {
            "script",
            "style",
            "image",
            "use",
            "foreignObject",
            "a",
            "iframe",
        }, element.tag
        assert not any("href" in name or name.startswith("on") for name in element.attrib)
        assert "style" not in element.attrib
    assert "url(" not in text and "@import" not in text
    assert re.findall(r"https?://[^\"]+", text) == ["http://www.w3.org/2000/svg"]
    assert root.get("stroke") == "currentColor"


def test_every_drawing_is_served_as_a_static_file_and_none_is_left_over():
    slugs = {exercise.slug for exercise in EXERCISES}
    assert {path.stem for path in ILLUSTRATIONS_DIR.glob("*.svg")} == slugs
    assert set(illustrations_by_slug()) == slugs
    for slug in slugs:
        assert finders.find(f"tracker/illustrations/{slug}.svg"), slug


def test_the_drawings_are_up_to_date_with_their_pose_data():
    result = subprocess.run(
        [sys.executable, str(TOOL), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_finds_a_drawing_edited_by_hand_or_missing(tmp_path, monkeypatch):
    tool = drawing_tool()
    monkeypatch.setattr(tool, "OUT", tmp_path)
    assert tool.main([]) == 0
    assert tool.main(["--check"]) == 0
    (tmp_path / "glute-bridge.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "clamshell.svg").unlink()
    assert tool.main(["--check"]) == 1


def test_a_standing_figure_stands_on_the_floor_and_a_lying_one_lies_on_it():
    tool = drawing_tool()
    poses, _ = tool.load()
    standing = tool.build_figure(poses["calf-raise"]["start"]).joints
    lying = tool.build_figure(poses["glute-bridge"]["start"]).joints
    assert standing["head"][1] < standing["pelvis"][1] < standing["near.ankle"][1]
    assert abs(standing["near.ankle"][1] - 91) < 0.01
    assert abs(lying["head"][1] - lying["pelvis"][1]) < 1  # head and hips at one height
    # The arrow's raised leg: the straight-leg raise ends with the ankle above where it began.
    start = tool.build_figure(poses["straight-leg-raise"]["start"]).joints
    end = tool.build_figure(poses["straight-leg-raise"]["end"]).joints
    assert end["near.ankle"][1] < start["near.ankle"][1] - 10
