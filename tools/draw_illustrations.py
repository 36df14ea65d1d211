"""Draw the built-in library's exercise illustrations from pose data, as small SVG files.

    python tools/draw_illustrations.py            # write tracker/content/illustrations/*.svg
    python tools/draw_illustrations.py --check    # exit 1 if a file is missing or out of date
    python tools/draw_illustrations.py --sheet test-artifacts/illustrations.html

Each exercise in tracker/content/poses.yaml is two poses of one simple figure, start and end,
side by side, with an arrow on the start panel showing which part moves and which way. A pose
is a handful of joint angles (the header of poses.yaml explains them), so a figure is always in
proportion and a pose can be corrected by changing one number. The picture's <title> is the
exercise's `illustration_alt` from exercises.yaml, the same words a screen reader hears.

Drawn for print and for high contrast: one dark ink on an opaque white card (the file keeps its
contrast whatever the page's colours are), shapes rather than colours carry the meaning (the
far limbs are thinner, the arrow has a head, the panels are numbered), and the file has no
style sheet, script or outside reference, so it is the same under any Content-Security-Policy.
"""

from __future__ import annotations

import argparse
import html
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "tracker" / "content"
POSES_FILE = CONTENT / "poses.yaml"
EXERCISES_FILE = CONTENT / "exercises.yaml"
OUT = CONTENT / "illustrations"

INK = "#17202b"
PAPER = "#fff"
PANEL = 100.0  # each pose is drawn in a 100 × 100 box
GAP = 8.0
MARGIN = 3.0
WIDTH = MARGIN * 2 + PANEL * 2 + GAP
HEIGHT = MARGIN * 2 + PANEL
FLOOR = 94.0

# Segment lengths of the figure, in panel units (a standing figure is about 85 tall).
HEAD_R = 6.0
NECK = 3.0
TRUNK = 27.0
THIGH = 21.0
SHIN = 20.0
FOOT = 8.0
HEEL = 2.0
UPPER_ARM = 14.0
FOREARM = 13.0
HIP_HALF = 4.5  # half the width of the pelvis and of the shoulders, seen from the front
SHOULDER_HALF = 7.5

NEAR_WIDTH = 4.2
FAR_WIDTH = 3.2
HALO = 2.6

Point = tuple[float, float]


def _fmt(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pts(points: Iterable[Point]) -> str:
    return " ".join(f"{_fmt(x)} {_fmt(y)}" for x, y in points)


def _add(a: Point, b: Point, scale: float = 1.0) -> Point:
    return (a[0] + b[0] * scale, a[1] + b[1] * scale)


@dataclass
class Figure:
    """The joints of one pose, by name, in panel units."""

    joints: dict[str, Point]
    view: str
    eyes: str


def _direction(angle: float, facing: int) -> Point:
    # 0° points down, 90° forward (the way the figure faces), 180° up, -90° backward.
    rad = math.radians(angle)
    return (facing * math.sin(rad), math.cos(rad))


def _limb(
    joints: dict[str, Point],
    prefix: str,
    start: Point,
    spec: list[float],
    lengths: tuple[float, ...],
    names: tuple[str, ...],
    facing: int,
) -> None:
    """A chain of segments from `start`: angles first, then optional length scales."""
    angles, scales = spec[: len(lengths)], spec[len(lengths) :]
    point = start
    for index, (angle, length, name) in enumerate(zip(angles, lengths, names, strict=True)):
        scale = scales[index] if index < len(scales) else 1.0
        point = _add(point, _direction(angle, facing), length * scale)
        joints[f"{prefix}.{name}"] = point


def _angle(vector: Point, facing: int) -> float:
    return math.degrees(math.atan2(facing * vector[0], vector[1]))


def _reach(hip: Point, ankle: Point, facing: int, knee_back: bool) -> tuple[float, float]:
    """Thigh and shin directions that put the ankle on a spot (two-segment inverse kinematics)."""
    dx, dy = ankle[0] - hip[0], ankle[1] - hip[1]
    distance = min(math.hypot(dx, dy), THIGH + SHIN - 0.01)
    bend = math.acos((THIGH**2 + distance**2 - SHIN**2) / (2 * THIGH * distance))
    base = math.atan2(dy, dx)
    candidates = []
    for sign in (1, -1):
        knee = (
            hip[0] + THIGH * math.cos(base + sign * bend),
            hip[1] + THIGH * math.sin(base + sign * bend),
        )
        candidates.append(knee)
    # The knee points the way the figure faces, unless told otherwise (a kneeling back leg).
    candidates.sort(key=lambda knee: facing * knee[0], reverse=not knee_back)
    knee = candidates[0]
    thigh = _angle((knee[0] - hip[0], knee[1] - hip[1]), facing)
    end = (hip[0] + dx / math.hypot(dx, dy) * distance, hip[1] + dy / math.hypot(dx, dy) * distance)
    shin = _angle((end[0] - knee[0], end[1] - knee[1]), facing)
    return thigh, shin


def _leg(joints: dict[str, Point], limb: str, leg: list[float], facing: int, front: bool) -> None:
    """Knee, ankle and foot from the hip: [thigh, shin, foot, thigh scale, shin scale]."""
    hip = joints[f"{limb}.hip"]
    _limb(joints, limb, hip, leg[:2] + leg[3:], (THIGH, SHIN), ("knee", "ankle"), facing)
    # Seen from the front a foot points at the reader, so it looks short.
    foot = (FOOT * 0.5,) if front else (FOOT,)
    _limb(joints, limb, joints[f"{limb}.ankle"], [leg[2]], foot, ("toe",), facing)
    if not front:
        joints[f"{limb}.heel"] = _add(joints[f"{limb}.ankle"], _direction(leg[2], facing), -HEEL)


def build_figure(pose: dict[str, Any]) -> Figure:
    view = pose.get("view", "side")
    facing = int(pose.get("facing", 1))
    trunk = float(pose.get("trunk", 180))
    neck = float(pose.get("neck", trunk))
    front = view == "front"
    joints: dict[str, Point] = {"pelvis": (0.0, 0.0)}
    up = _direction(trunk, facing)
    trunk_len = TRUNK * float(pose.get("trunk_scale", 1.0))
    joints["shoulder"] = _add(joints["pelvis"], up, trunk_len)
    joints["head"] = _add(joints["shoulder"], _direction(neck, facing), NECK + HEAD_R)
    joints["face"] = _direction(neck - 90, facing)  # a direction, not a point
    side = _direction(trunk - 90, facing)  # the figure's near side, seen from the front
    hips = {"near": (0.0, 0.0), "far": (0.0, 0.0)}
    shoulders = {"near": joints["shoulder"], "far": joints["shoulder"]}
    if front:
        hips = {"near": _add((0, 0), side, HIP_HALF), "far": _add((0, 0), side, -HIP_HALF)}
        shoulders = {
            "near": _add(joints["shoulder"], side, SHOULDER_HALF),
            "far": _add(joints["shoulder"], side, -SHOULDER_HALF),
        }
    reaching: dict[str, dict[str, Any]] = {}
    for limb in ("near", "far"):
        default_foot = (90 if limb == "near" else -90) if front else 90
        spec = pose.get(limb, [0, 0, default_foot])
        if isinstance(spec, dict):
            # A foot put on a given spot (the knee bends to fit): worked out once placed.
            reaching[limb] = spec
            spec = [0, 0, spec.get("foot", default_foot)]
        leg = list(spec)
        if len(leg) == 2:
            leg.append(default_foot)
        joints[f"{limb}.hip"] = hips[limb]
        _leg(joints, limb, leg, facing, front)
        default_arm = ([15, 5] if limb == "near" else [-15, -5]) if front else [4, 8]
        arm = list(pose.get(f"{limb}_arm", default_arm))
        joints[f"{limb}.shoulder"] = shoulders[limb]
        _limb(joints, limb, shoulders[limb], arm, (UPPER_ARM, FOREARM), ("elbow", "hand"), facing)
    # Place the figure: its pelvis at `at`, or one named joint on a given point.
    if "anchor" in pose:
        name, target = pose["anchor"]
        origin = joints[name]
        shift = (target[0] - origin[0], target[1] - origin[1])
    else:
        shift = tuple(pose.get("at", (50, 51)))
    for limb, spec in reaching.items():
        hip = _add(joints[f"{limb}.hip"], shift)
        thigh, shin = _reach(hip, spec["ankle"], facing, spec.get("knee", "forward") == "back")
        _leg(joints, limb, [thigh, shin, spec.get("foot", 90)], facing, front)
    placed = {
        name: (_add(point, shift) if name != "face" else point) for name, point in joints.items()
    }
    return Figure(joints=placed, view=view, eyes=pose.get("eyes", "open"))


class Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def line(self, points: list[Point], width: float, halo: bool = False, dash: str = "") -> None:
        d = "M" + _pts(points[:1]) + "L" + _pts(points[1:])
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        if halo:
            self.parts.append(
                f'<path d="{d}" stroke="{PAPER}" stroke-width="{_fmt(width + HALO)}"/>'
            )
        self.parts.append(f'<path d="{d}" stroke-width="{_fmt(width)}"{extra}/>')

    def raw(self, text: str) -> None:
        self.parts.append(text)


def _resolve(point: Any, figure: Figure) -> Point:
    if isinstance(point, str):
        return figure.joints[point]
    return (float(point[0]), float(point[1]))


def draw_props(canvas: Canvas, props: list[dict[str, Any]], figure: Figure) -> None:
    for prop in props:
        (kind, value), *_ = prop.items()
        if kind == "floor":
            canvas.line([(2, value), (98, value)], 1.6)
        elif kind == "chair":
            # A side-on chair: x is the front edge of the seat, the back is behind it.
            x, seat, facing = (
                float(value[0]),
                float(value[1]),
                int(value[2]) if len(value) > 2 else 1,
            )
            back = x - facing * 24
            canvas.line([(x, seat), (back, seat)], 2.4)
            canvas.line([(back, seat - 30), (back, FLOOR)], 2.4)
            canvas.line([(x - facing * 2, seat), (x - facing * 2, FLOOR)], 2)
        elif kind == "stool":
            x, seat, width = (float(v) for v in value)
            canvas.line([(x - width / 2, seat), (x + width / 2, seat)], 2.4)
            canvas.line([(x - width / 2 + 2, seat), (x - width / 2 + 2, FLOOR)], 2)
            canvas.line([(x + width / 2 - 2, seat), (x + width / 2 - 2, FLOOR)], 2)
        elif kind == "wall":
            x, facing = float(value[0]), int(value[1])
            canvas.line([(x, 8), (x, FLOOR)], 2.4)
            for y in range(14, int(FLOOR), 10):
                canvas.line([(x, y), (x + facing * 4, y - 4)], 1.2)
        elif kind == "counter":
            x, top, facing = float(value[0]), float(value[1]), int(value[2])
            canvas.line([(x, top), (x + facing * 14, top)], 2.4)
            canvas.line([(x + facing * 2, top), (x + facing * 2, FLOOR)], 1.6)
        elif kind == "step":
            x, width, height = (float(v) for v in value)
            canvas.line(
                [(x, FLOOR), (x, FLOOR - height), (x + width, FLOOR - height), (x + width, FLOOR)],
                2,
            )
        elif kind == "stairs":
            # Steps going down to the right from (x, top): each `run` wide and `rise` high.
            x, top, count, run, rise = (float(v) for v in value)
            points = [(2.0, top), (x, top)]
            y = top
            for _ in range(int(count)):
                y += rise
                points += [(points[-1][0], y), (points[-1][0] + run, y)]
            canvas.line(points, 2)
        elif kind == "mat":
            x1, x2 = float(value[0]), float(value[1])
            canvas.line([(x1, FLOOR - 2), (x2, FLOOR - 2)], 1.4)
        elif kind == "ball":
            x, y, r = (float(v) for v in value)
            canvas.raw(_dot((x, y), r, PAPER, 'stroke-width="2"'))
        elif kind == "roll":
            x, y, r = (float(v) for v in value)
            canvas.raw(
                f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}" fill="{PAPER}" '
                f'stroke-width="1.6" stroke-dasharray="2 1.5"/>'
            )
        elif kind == "outline":
            canvas.line([_resolve(p, figure) for p in value], 3)
        elif kind == "strap":
            canvas.line([_resolve(p, figure) for p in value], 1.6, dash="3 2")
        elif kind == "rail":
            canvas.line([_resolve(p, figure) for p in value], 2)
        else:
            raise ValueError(f"unknown prop {kind!r}")


def draw_figure(canvas: Canvas, figure: Figure) -> None:
    j = figure.joints

    def leg(limb: str) -> list[Point]:
        points = [j[f"{limb}.hip"], j[f"{limb}.knee"], j[f"{limb}.ankle"]]
        return points if f"{limb}.heel" in j else [*points, j[f"{limb}.toe"]]

    def foot(limb: str) -> list[Point] | None:
        if f"{limb}.heel" in j:
            return [j[f"{limb}.heel"], j[f"{limb}.toe"]]
        return None

    def arm(limb: str) -> list[Point]:
        return [j[f"{limb}.shoulder"], j[f"{limb}.elbow"], j[f"{limb}.hand"]]

    front = figure.view == "front"
    # Far limbs first and thinner: depth drawn by shape, not by a second colour.
    canvas.line(leg("far"), FAR_WIDTH, halo=True)
    if (f := foot("far")) is not None:
        canvas.line(f, FAR_WIDTH)
    if not front:
        canvas.line(arm("far"), FAR_WIDTH, halo=True)
    if front:
        canvas.line([j["far.hip"], j["near.hip"]], NEAR_WIDTH)
        canvas.line([j["far.shoulder"], j["near.shoulder"]], NEAR_WIDTH)
        canvas.line(arm("far"), NEAR_WIDTH, halo=True)
    canvas.line([j["pelvis"], j["shoulder"]], NEAR_WIDTH + 1, halo=True)
    canvas.line(leg("near"), NEAR_WIDTH, halo=True)
    if (f := foot("near")) is not None:
        canvas.line(f, NEAR_WIDTH)
    hx, hy = j["head"]
    canvas.raw(
        f'<circle cx="{_fmt(hx)}" cy="{_fmt(hy)}" r="{_fmt(HEAD_R)}" fill="{PAPER}" '
        f'stroke-width="2.8"/>'
    )
    # The eyes say which way the figure looks, and whether they are shut: a dot when open,
    # a short line when closed. Side view: one eye on the face side of the head; front view:
    # two, across the face (perpendicular to the neck, so they tilt with the head).
    face = j["face"]
    neck = (hx - j["shoulder"][0], hy - j["shoulder"][1])
    neck_length = math.hypot(*neck) or 1.0
    up = (neck[0] / neck_length, neck[1] / neck_length)
    if front:
        across = (-up[1], up[0])
        eyes = [_add(_add((hx, hy), across, side * 2.3), up, 0.6) for side in (1, -1)]
        closed = across
    else:
        eyes = [_add(_add((hx, hy), face, 2.6), up, 0.7)]
        closed = face
    for eye in eyes:
        if figure.eyes == "closed":
            canvas.line([_add(eye, closed, -1.3), _add(eye, closed, 1.1)], 1.4)
        else:
            canvas.raw(_dot(eye, 1.0, INK))
    canvas.line(arm("near"), NEAR_WIDTH, halo=True)


def _dot(centre: Point, radius: float, fill: str, stroke: str = 'stroke="none"') -> str:
    x, y = centre
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(radius)}" fill="{fill}" {stroke}/>'


def _arrowhead(tip: Point, toward: Point) -> str:
    dx, dy = tip[0] - toward[0], tip[1] - toward[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    size = 6.0
    back = (tip[0] - ux * size, tip[1] - uy * size)
    left = (back[0] - uy * size * 0.55, back[1] + ux * size * 0.55)
    right = (back[0] + uy * size * 0.55, back[1] - ux * size * 0.55)
    return f'<path d="M{_pts([tip, left, right])}Z" fill="{INK}" stroke-width="1.2"/>'


def draw_arrow(canvas: Canvas, spec: dict[str, Any], start: Figure, end: Figure) -> None:
    """The moving part's path: an arc about a pivot joint, or a straight or bent line."""
    if "around" in spec:
        # An arc (or ellipse) about a fixed point, angles in degrees clockwise from 3 o'clock.
        cx, cy = _resolve(spec["around"], start)
        rx = float(spec.get("rx", spec.get("r", 10)))
        ry = float(spec.get("ry", rx))
        a0, a1 = math.radians(spec["from_deg"]), math.radians(spec["to_deg"])
        steps = 24
        points = [
            (
                cx + rx * math.cos(a0 + (a1 - a0) * i / steps),
                cy + ry * math.sin(a0 + (a1 - a0) * i / steps),
            )
            for i in range(steps + 1)
        ]
    elif "pivot" in spec:
        pivot = start.joints[spec["pivot"]]
        a, b = start.joints[spec["joint"]], end.joints[spec["joint"]]
        radius = math.dist(pivot, a) * float(spec.get("radius", 1.2))
        a0 = math.atan2(a[1] - pivot[1], a[0] - pivot[0])
        a1 = math.atan2(b[1] - pivot[1], b[0] - pivot[0])
        # The short way round, from where the joint starts to where it ends.
        sweep = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi
        trim = float(spec.get("trim", 0.12))
        a0, a1 = a0 + sweep * trim, a0 + sweep * (1 - trim)
        steps = 16
        points = [
            (
                pivot[0] + radius * math.cos(a0 + (a1 - a0) * i / steps),
                pivot[1] + radius * math.sin(a0 + (a1 - a0) * i / steps),
            )
            for i in range(steps + 1)
        ]
    else:
        if "joint" in spec:
            offset = spec.get("offset", (0, 0))
            a = _add(start.joints[spec["joint"]], offset)
            b = _add(end.joints[spec["joint"]], offset)
        else:
            a, b = _resolve(spec["from"], start), _resolve(spec["to"], start)
        bend = float(spec.get("bend", 0))
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        stretch = float(spec.get("stretch", 1))
        a = (mid[0] + (a[0] - mid[0]) * stretch, mid[1] + (a[1] - mid[1]) * stretch)
        b = (mid[0] + (b[0] - mid[0]) * stretch, mid[1] + (b[1] - mid[1]) * stretch)
        length = math.dist(a, b) or 1.0
        normal = (-(b[1] - a[1]) / length, (b[0] - a[0]) / length)
        control = _add(mid, normal, bend)
        steps = 16
        points = []
        for i in range(steps + 1):
            t = i / steps
            points.append(
                (
                    (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * control[0] + t**2 * b[0],
                    (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * control[1] + t**2 * b[1],
                )
            )
    # The shaft stops short of the tip so the head's point is sharp.
    canvas.line(points[1:-2] if spec.get("both") else points[:-2], 2.4, halo=True)
    canvas.raw(_arrowhead(points[-1], points[-4]))
    if spec.get("both"):
        canvas.raw(_arrowhead(points[0], points[3]))


def _panel(figure: Figure, props: list[dict[str, Any]], floor: bool, person: bool) -> Canvas:
    canvas = Canvas()
    if floor:
        draw_props(canvas, [{"floor": FLOOR}], figure)
    draw_props(canvas, props, figure)
    if person:
        draw_figure(canvas, figure)
    return canvas


def _placed(x: float, zoom: float) -> str:
    """The panel's transform: a zoomed-out scene keeps its floor's middle where it was."""
    if zoom == 1:
        return f"translate({_fmt(x)} {_fmt(MARGIN)})"
    dx, dy = x + PANEL / 2 * (1 - zoom), MARGIN + FLOOR * (1 - zoom)
    return f"translate({_fmt(dx)} {_fmt(dy)}) scale({zoom:g})"


def _number(x: float, label: str) -> str:
    return (
        f'<circle cx="{_fmt(x)}" cy="11" r="6" fill="{PAPER}" stroke-width="1.4"/>'
        f'<text x="{_fmt(x)}" y="14.2" font-family="sans-serif" font-size="9" font-weight="700" '
        f'text-anchor="middle" fill="{INK}" stroke="none">{label}</text>'
    )


def render(slug: str, spec: dict[str, Any], alt: str) -> str:
    """One exercise's SVG document, two panels: where the movement starts and where it ends."""
    shared = spec.get("props", [])
    floor = spec.get("floor", True)
    start = build_figure(spec["start"])
    end = build_figure(spec["end"])
    person = spec.get("person", True)
    zoom = float(spec.get("zoom", 1))
    first = _panel(start, shared + spec["start"].get("props", []), floor, person)
    if "arrow" in spec:
        arrows = spec["arrow"] if isinstance(spec["arrow"], list) else [spec["arrow"]]
        for arrow in arrows:
            draw_arrow(first, arrow, start, end)
    second = _panel(end, shared + spec["end"].get("props", []), floor, person)
    for arrow in spec.get("end_arrow", []):
        draw_arrow(second, arrow, end, end)
    x2 = MARGIN + PANEL + GAP
    title = html.escape(alt, quote=False)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_fmt(WIDTH)} {_fmt(HEIGHT)}" '
        f'width="{_fmt(WIDTH * 2)}" height="{_fmt(HEIGHT * 2)}" role="img" '
        f'aria-labelledby="{slug}-title" color="{INK}" fill="none" stroke="currentColor" '
        f'stroke-linecap="round" stroke-linejoin="round">\n'
        f'<title id="{slug}-title">{title}</title>\n'
        f'<rect width="{_fmt(WIDTH)}" height="{_fmt(HEIGHT)}" rx="6" fill="{PAPER}" '
        f'stroke="none"/>\n'
        f'<g transform="{_placed(MARGIN, zoom)}">{"".join(first.parts)}</g>\n'
        f'<g transform="{_placed(x2, zoom)}">{"".join(second.parts)}</g>\n'
        f'<path d="M{_fmt(WIDTH / 2)} 12V{_fmt(HEIGHT - 12)}" stroke-width="1" '
        f'stroke-dasharray="2 3"/>\n'
        f"{_number(MARGIN + 8, '1')}{_number(x2 + 8, '2')}\n"
        f"</svg>\n"
    )


def load() -> tuple[dict[str, Any], dict[str, str]]:
    poses = yaml.safe_load(POSES_FILE.read_text(encoding="utf-8"))
    exercises = yaml.safe_load(EXERCISES_FILE.read_text(encoding="utf-8"))
    alts = {entry["slug"]: entry.get("illustration_alt", "") for entry in exercises}
    return poses, alts


def drawings() -> dict[str, str]:
    """Every illustration, by file name, as it should be on disk."""
    poses, alts = load()
    missing = sorted(set(alts) - set(poses))
    unknown = sorted(set(poses) - set(alts))
    if missing or unknown:
        raise SystemExit(f"poses.yaml: missing {missing or 'none'}, unknown {unknown or 'none'}")
    return {f"{slug}.svg": render(slug, poses[slug], alts[slug]) for slug in alts}


def contact_sheet(files: dict[str, str]) -> str:
    cells = "".join(
        f'<figure><img src="{OUT.as_uri()}/{name}" width="424" height="212" alt="">'
        f"<figcaption>{name[:-4]}</figcaption></figure>"
        for name in files
    )
    return (
        "<!doctype html><meta charset=utf-8><title>Illustrations</title>"
        "<style>body{margin:8px;font:11px sans-serif;background:#ccc}"
        "figure{display:inline-block;margin:3px}figcaption{text-align:center}</style>"
        f"{cells}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing")
    parser.add_argument("--sheet", type=Path, help="also write a contact sheet (HTML) here")
    args = parser.parse_args(argv)
    files = drawings()
    if args.check:
        stale = sorted(
            name
            for name, text in files.items()
            if not (OUT / name).is_file() or (OUT / name).read_text(encoding="utf-8") != text
        )
        extra = sorted(p.name for p in OUT.glob("*.svg") if p.name not in files)
        for name in stale:
            print(f"out of date: {name}")
        for name in extra:
            print(f"not in poses.yaml: {name}")
        return 1 if stale or extra else 0
    OUT.mkdir(exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    if args.sheet:
        args.sheet.parent.mkdir(parents=True, exist_ok=True)
        args.sheet.write_text(contact_sheet(files), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
