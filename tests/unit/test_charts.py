"""The SVG charts: pure functions, accessible, shared with the therapist's patient record."""

import re
from datetime import date, timedelta
from xml.etree import ElementTree

from django.utils.safestring import SafeString

from tracker.charts import adherence_calendar, line_chart
from tracker.selectors.adherence import AdherenceDay

START = date(2026, 11, 2)  # a Monday


def days(values):
    return [(START + timedelta(days=i), v) for i, v in enumerate(values)]


def svg_of(html: str) -> ElementTree.Element:
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    return ElementTree.fromstring(svg)


def test_a_line_chart_is_safe_accessible_svg_with_a_text_summary():
    html = line_chart(days([3, 4, None, 2]), y_min=0, y_max=10, label="Pain (0–10)")
    assert isinstance(html, SafeString)
    svg = svg_of(html)
    assert svg.get("role") == "img" and svg.get("aria-label") == "Pain (0–10)"
    assert svg.find("{http://www.w3.org/2000/svg}title") is not None or "<title>" in html
    assert "Latest 2 on 5 Nov." in html
    assert "Average 3 over 3 of 4 days, lowest 2, highest 4." in html


def test_a_missing_day_breaks_the_line_instead_of_bridging_it():
    html = line_chart(days([3, 4, None, 2, 5]), y_min=0, y_max=10, label="Pain")
    assert html.count("<polyline") == 2 and html.count("<circle") == 4


def test_a_line_chart_without_data_says_so():
    html = line_chart(days([None] * 28), y_min=0, y_max=10, label="Stress")
    assert "No entries for stress in this period yet." in html
    assert "<polyline" not in html


def test_values_outside_the_scale_are_kept_inside_the_plot():
    html = line_chart(days([20, -3]), y_min=0, y_max=10, label="Pain")
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', html)]
    assert all(0 <= y <= 168 for y in ys)


def test_it_compares_the_first_and_last_weeks_in_words():
    html = line_chart(days([6] * 7 + [None] * 7 + [2] * 7), y_min=0, y_max=10, label="Pain")
    assert "First week 6 on average, last week 2." in html


def test_the_label_is_escaped():
    html = line_chart(days([1]), y_min=0, y_max=10, label="<script>x</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_units_are_shown_in_the_summary():
    html = line_chart(days([7.5, 6]), y_min=0, y_max=12, label="Sleep", unit=" h")
    assert "Latest 6 h" in html and "highest 7.5 h" in html


def calendar_days(percents):
    out = []
    for i, percent in enumerate(percents):
        due = 0.0 if percent is None else 3.0
        done = 0.0 if percent is None else 3.0 * percent / 100
        out.append(AdherenceDay(day=START + timedelta(days=i), due=due, done=done))
    return out


def test_the_calendar_marks_each_day_with_a_shape_and_words():
    html = adherence_calendar(calendar_days([100, 50, 0, None]))
    assert isinstance(html, SafeString)
    assert "Mon 2 Nov: everything done" in html
    assert "Tue 3 Nov: some exercises done" in html
    assert "Wed 4 Nov: no exercises done" in html
    assert "Thu 5 Nov: nothing due" in html
    for state in ("all", "some", "none", "rest"):
        assert f'class="day day-{state}"' in html
    svg_of(html)  # well-formed


def test_the_calendar_starts_weeks_on_monday():
    html = adherence_calendar(calendar_days([100] * 3)[2:])  # starts on a Wednesday
    first = re.search(r'class="day day-all"><title>[^<]*</title><rect x="(\d+)"', html)
    assert first.group(1) == str(2 * 44)


def test_the_calendar_counts_days_with_everything_done_and_never_says_adherence():
    html = adherence_calendar(calendar_days([100, 100, 50, 0]))
    assert "Days with everything done" in html
    assert "Everything was done on 2 days. Some were done on 1 day." in html
    assert "%" not in html.split("<svg")[0] and "adherence" not in html.lower()


def test_an_empty_calendar_says_so():
    assert "No exercises were due" in adherence_calendar([])


def test_a_0_to_100_axis_makes_room_for_its_three_digit_numbers():
    from datetime import date

    from tracker.charts import LEFT, line_chart_data

    points = [(date(2026, 1, 1), 50.0), (date(2026, 1, 15), 75.0)]
    wide = line_chart_data(points, y_min=0, y_max=100, label="Summary impact")
    narrow = line_chart_data(points, y_min=0, y_max=10, label="Pain")
    assert (narrow.left, narrow.tick_x) == (LEFT, LEFT - 6)
    assert wide.left == LEFT + 10 and wide.tick_x == LEFT + 4
    assert float(wide.dots[0].x) == LEFT + 10


def test_a_baseline_is_drawn_dashed_and_said_in_the_caption():
    from datetime import date

    from tracker.charts import line_chart, line_chart_data

    points = [(date(2026, 1, 1), 3.0), (date(2026, 1, 15), 5.0)]
    chart = line_chart_data(points, y_min=0, y_max=10, label="Activities", baseline=3.0)
    assert chart.baseline_y == chart.dots[0].y
    assert chart.summary.endswith("Baseline 3 (dashed line).")
    assert "stroke-dasharray" in line_chart(points, y_min=0, y_max=10, label="A", baseline=3.0)
    assert "stroke-dasharray" not in line_chart(points, y_min=0, y_max=10, label="A")
