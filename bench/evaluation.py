"""The nightly trend evaluation at growing shares of the caseload, and its floor.

Batches of 200 go to worker processes exactly as `dispatch_due_evaluations` hands them to
Celery workers; each worker is a fresh process with its own database connection (spawned,
so nothing is shared with the parent), handles it between batches as a Celery worker does
between tasks, and reports its peak memory.

The floor is the least any evaluation must do: fetch its input rows. Each batch runs the
plain SELECTs below on a DB-API cursor (`connection.cursor()`) and `fetchall()`s them, one
row per check-in, session, prescription version and done exercise log, with the same
patients, batches, workers and window as the evaluation, timed the same way. The SQL is a
yardstick written for the bench, not a copy of the app's reads: it follows what the rules
need (tracker.trends), so a change in how the app reads leaves the floor where it was.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import django

# --- the evaluation's input rows, in plain SQL ----------------------------------------------
#
# `{ids}` stands for one placeholder per patient of the batch (`{versions}` per prescription
# version); the window's dates follow as parameters. No ORDER BY and no aggregates: rows as
# the database finds them, which is the least a reader of those rows pays.

# The patients, with the time zone their days are counted in and their clinic's thresholds.
PATIENTS_SQL = """
    SELECT p.id, p.clinic_id, u.timezone, c.flag_thresholds
    FROM tracker_patientprofile p
    JOIN tracker_user u ON u.id = p.user_id
    JOIN tracker_clinic c ON c.id = p.clinic_id
    WHERE p.id IN ({ids})
"""
# Each check-in's ratings in the window (pain, sleep and stress rules).
CHECKINS_SQL = """
    SELECT patient_id, local_date, pain, worst_pain, sleep_hours, sleep_quality, stress
    FROM tracker_dailycheckin
    WHERE patient_id IN ({ids}) AND local_date >= %s AND local_date <= %s
"""
# Each session's pain before and after in the window (the not-settling rule).
SESSIONS_SQL = """
    SELECT patient_id, local_date, pain_before, pain_after
    FROM tracker_session
    WHERE patient_id IN ({ids}) AND local_date >= %s AND local_date <= %s
"""
# The first day of each program that is not paused (no adherence finding before it).
PROGRAMS_SQL = """
    SELECT patient_id, start_date
    FROM tracker_program
    WHERE patient_id IN ({ids}) AND status <> 'paused'
"""
# The prescription versions in force at some time of the adherence window, with their
# program's dates and status: what was due on each day.
VERSIONS_SQL = """
    SELECT v.id, pr.patient_id, v.line, pr.start_date, pr.phase_end_date, pr.status,
        pr.updated_at, v.valid_from, v.valid_to, v.times_per_day, v.days_per_week, v.weekdays
    FROM tracker_prescribedexercise v
    JOIN tracker_program pr ON pr.id = v.program_id
    WHERE pr.patient_id IN ({ids})
        AND pr.status IN ('active', 'completed')
        AND pr.start_date <= %s
        AND v.valid_from <= %s
        AND (v.valid_to IS NULL OR v.valid_to >= %s)
        AND (pr.phase_end_date IS NULL OR pr.phase_end_date >= %s)
"""
# Each done exercise log of those versions in the window: what was done on each day.
DONE_LOGS_SQL = """
    SELECT prescribed_id, local_date
    FROM tracker_exerciselog
    WHERE prescribed_id IN ({versions}) AND status = 'done'
        AND local_date >= %s AND local_date <= %s
"""
# The patients' open flags, with what a refresh compares, and their resolved ones.
OPEN_FLAGS_SQL = """
    SELECT id, patient_id, kind, severity, opened_on, summary, evidence, last_evaluated_on
    FROM tracker_flag
    WHERE patient_id IN ({ids}) AND status <> 'resolved'
"""
RESOLVED_FLAGS_SQL = """
    SELECT patient_id, kind, severity, resolved_on
    FROM tracker_flag
    WHERE patient_id IN ({ids}) AND status = 'resolved'
"""


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def evaluation_inputs(ids: list[int]) -> Counter[str]:
    """Fetch one batch's input rows with plain SELECTs; returns the rows read per table.

    The window is the evaluation's own (see `trends_evaluate_patients`): each patient's
    local today, back by the lookback the default thresholds need (the bench's clinics
    override none), and for adherence from the Monday of that week, whose "N days a week"
    doses share the week. Done logs start on that Monday only when such a dose is in force.
    """
    from django.db import connection
    from django.utils import timezone

    from tracker import trends

    day = connection.ops.adapt_datefield_value
    rows: Counter[str] = Counter()
    with connection.cursor() as cursor:

        def fetch(name: str, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
            rows[name] += len(fetched)
            return fetched

        patients = fetch("patients", PATIENTS_SQL.format(ids=_placeholders(ids)), ids)
        zones = {zone for _pid, _clinic, zone, _overrides in patients}
        todays = [timezone.localdate(timezone=ZoneInfo(zone)) for zone in zones]
        start: date = min(todays) - timedelta(days=trends.LOOKBACK_DAYS)
        end: date = max(todays)
        monday = start - timedelta(days=start.weekday())
        among = _placeholders(ids)
        window = [*ids, day(start), day(end)]
        fetch("check-ins", CHECKINS_SQL.format(ids=among), window)
        fetch("sessions", SESSIONS_SQL.format(ids=among), window)
        fetch("programs", PROGRAMS_SQL.format(ids=among), ids)
        versions = fetch(
            "prescription versions",
            VERSIONS_SQL.format(ids=among),
            [*ids, day(end), day(end), day(monday), day(monday)],
        )
        if versions:
            version_ids = [version[0] for version in versions]
            # weekdays = 0 with fewer than 7 days a week: an "N days a week" dose.
            flexible = any(not weekdays and per_week < 7 for *_, per_week, weekdays in versions)
            fetch(
                "done exercise logs",
                DONE_LOGS_SQL.format(versions=_placeholders(version_ids)),
                [*version_ids, day(monday if flexible else start), day(end)],
            )
        fetch("open flags", OPEN_FLAGS_SQL.format(ids=among), ids)
        fetch("resolved flags", RESOLVED_FLAGS_SQL.format(ids=among), ids)
    return rows


# --- the worker processes -------------------------------------------------------------------


def _start_evaluating(warm_patient: int) -> None:
    """Worker start-up: Django, a connection, and one evaluation to load every module."""
    django.setup()
    from tracker.services.flags import trends_evaluate_patients

    trends_evaluate_patients(patient_ids=[warm_patient])


def _start_reading(warm_patient: int) -> None:
    """Worker start-up for the floor: Django, a connection, and one patient's inputs read."""
    django.setup()
    evaluation_inputs([warm_patient])


def _ready(_: int) -> int:
    time.sleep(0.2)  # long enough that every worker of the pool takes one
    return os.getpid()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _evaluate(batch: list[int]) -> tuple[int, int, float, float]:
    from config.celery import connections_between_tasks
    from tracker.services.flags import trends_evaluate_patients

    cpu = time.process_time()
    connections_between_tasks()  # what a worker does before and after every task
    changes = trends_evaluate_patients(patient_ids=batch)
    connections_between_tasks()
    return os.getpid(), len(changes), _peak_mb(), time.process_time() - cpu


def _read(batch: list[int]) -> tuple[int, Counter[str], float, float]:
    from config.celery import connections_between_tasks

    cpu = time.process_time()
    connections_between_tasks()  # as the evaluation's workers do, so both pay the same
    rows = evaluation_inputs(batch)
    connections_between_tasks()
    return os.getpid(), rows, _peak_mb(), time.process_time() - cpu


def batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _timed_passes(
    task: Callable[[list[int]], tuple[Any, ...]],
    initializer: Callable[[int], None],
    ids: list[int],
    *,
    workers: int,
    batch_size: int,
    repeat: int,
) -> tuple[list[float], list[float], list[tuple[Any, ...]]]:
    """Wall and worker CPU seconds of each pass of ``task`` over ``ids`` in batches, with
    ``workers`` spawned processes (start-up not counted), and the last pass's results."""
    context = multiprocessing.get_context("spawn")
    walls: list[float] = []
    cpus: list[float] = []
    results: list[tuple[Any, ...]] = []
    with context.Pool(workers, initializer=initializer, initargs=(ids[0],)) as pool:
        pool.map(_ready, range(workers * 2), chunksize=1)
        for _ in range(repeat):
            started = time.perf_counter()
            results = pool.map(task, batches(ids, batch_size), chunksize=1)
            walls.append(time.perf_counter() - started)
            cpus.append(sum(result[-1] for result in results))
    return walls, cpus, results


def _peak_rss_mb(results: list[tuple[Any, ...]]) -> float:
    peaks: dict[int, float] = {}
    for pid, _, peak, _ in results:
        peaks[pid] = max(peak, peaks.get(pid, 0.0))
    return round(max(peaks.values()), 1)


def evaluate(
    ids: list[int], *, workers: int, batch_size: int, repeat: int = 1
) -> dict[str, object]:
    """Wall time of evaluating ``ids`` with ``workers`` processes (start-up not counted).

    With ``repeat`` the pool evaluates everyone that many times and the fastest pass counts:
    on a shared machine the slower passes measure the neighbours, not the job.
    """
    walls, cpus, results = _timed_passes(
        _evaluate, _start_evaluating, ids, workers=workers, batch_size=batch_size, repeat=repeat
    )
    wall = min(walls)
    return {
        "patients": len(ids),
        "workers": workers,
        "seconds": round(wall, 3),
        "all_seconds": [round(w, 3) for w in walls],
        "worker_cpu_seconds": round(min(cpus), 3),
        "patients_per_s": round(len(ids) / wall, 1),
        "flag_changes": sum(n for _, n, _, _ in results),
        "peak_rss_mb": _peak_rss_mb(results),
    }


def input_read(
    ids: list[int], *, workers: int, batch_size: int, repeat: int = 1
) -> dict[str, object]:
    """The floor: wall time of fetching the evaluation's input rows for ``ids``, with the
    same workers, batches and passes as ``evaluate`` (the fastest pass counts)."""
    walls, cpus, results = _timed_passes(
        _read, _start_reading, ids, workers=workers, batch_size=batch_size, repeat=repeat
    )
    rows: Counter[str] = Counter()
    for _, batch_rows, _, _ in results:
        rows.update(batch_rows)
    return {
        "patients": len(ids),
        "workers": workers,
        "seconds": round(min(walls), 4),
        "all_seconds": [round(w, 4) for w in walls],
        "worker_cpu_seconds": round(min(cpus), 4),
        "rows": dict(rows),
        "peak_rss_mb": _peak_rss_mb(results),
    }


def queries_per_batch(ids: list[int]) -> int:
    """How many queries one batch costs (counted in this process, on the same data)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.services.flags import trends_evaluate_patients

    with CaptureQueriesContext(connection) as captured:
        trends_evaluate_patients(patient_ids=ids)
    return len(captured)
