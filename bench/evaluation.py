"""The nightly trend evaluation at growing shares of the caseload, and its SQL floor.

Batches of 200 go to worker processes exactly as `dispatch_due_evaluations` hands them to
Celery workers; each worker is a fresh process with its own database connection (spawned,
so nothing is shared with the parent), handles it between batches as a Celery worker does
between tasks, and reports its peak memory.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from datetime import timedelta

import django


def _start(warm_patient: int) -> None:
    """Worker start-up: Django, a connection, and one evaluation to load every module."""
    django.setup()
    from tracker.services.flags import trends_evaluate_patients

    trends_evaluate_patients(patient_ids=[warm_patient])


def _ready(_: int) -> int:
    time.sleep(0.2)  # long enough that every worker of the pool takes one
    return os.getpid()


def _evaluate(batch: list[int]) -> tuple[int, int, float, float]:
    from config.celery import connections_between_tasks
    from tracker.services.flags import trends_evaluate_patients

    cpu = time.process_time()
    connections_between_tasks()  # what a worker does before and after every task
    changes = trends_evaluate_patients(patient_ids=batch)
    connections_between_tasks()
    cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return os.getpid(), len(changes), peak_mb, cpu


def batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def evaluate(
    ids: list[int], *, workers: int, batch_size: int, repeat: int = 1
) -> dict[str, object]:
    """Wall time of evaluating ``ids`` with ``workers`` processes (start-up not counted).

    With ``repeat`` the pool evaluates everyone that many times and the fastest pass counts:
    on a shared machine the slower passes measure the neighbours, not the job.
    """
    context = multiprocessing.get_context("spawn")
    walls: list[float] = []
    cpus: list[float] = []
    results: list[tuple[int, int, float, float]] = []
    with context.Pool(workers, initializer=_start, initargs=(ids[0],)) as pool:
        pool.map(_ready, range(workers * 2), chunksize=1)
        for _ in range(repeat):
            started = time.perf_counter()
            results = pool.map(_evaluate, batches(ids, batch_size), chunksize=1)
            walls.append(time.perf_counter() - started)
            cpus.append(sum(cpu for *_, cpu in results))
    wall = min(walls)
    peaks: dict[int, float] = {}
    for pid, _, peak, _ in results:
        peaks[pid] = max(peak, peaks.get(pid, 0.0))
    return {
        "patients": len(ids),
        "workers": workers,
        "seconds": round(wall, 2),
        "all_seconds": [round(w, 2) for w in walls],
        "worker_cpu_seconds": round(min(cpus), 2),
        "patients_per_s": round(len(ids) / wall, 1),
        "flag_changes": sum(n for _, n, _, _ in results),
        "peak_rss_mb": round(max(peaks.values()), 1),
    }


def scan_floor(ids: list[int], *, repeat: int = 5) -> dict[str, object]:
    """One aggregate over the check-ins the evaluation reads: its lookback window.

    The rules need each patient's last 43 days; a single GROUP BY over exactly those rows is
    the least any evaluation can cost. The whole-history scan is reported beside it. Like the
    evaluation, each scan counts its fastest run: the slower ones measure the neighbours.
    """
    from django.db.models import Avg, Count
    from django.utils import timezone

    from tracker import trends
    from tracker.models import DailyCheckin

    # The evaluation's window starts `lookback_days - 1` before the day it judges (yesterday
    # at the latest for anyone who has not logged today); a day more covers every time zone.
    start = timezone.now().date() - timedelta(days=trends.LOOKBACK_DAYS + 1)

    def scan(**window: object) -> tuple[float, int]:
        timings = []
        rows = 0
        for _ in range(repeat):
            began = time.perf_counter()
            result = list(
                DailyCheckin.objects.filter(patient_id__in=ids, **window)
                .values("patient_id")
                .annotate(
                    pain=Avg("pain"),
                    sleep=Avg("sleep_quality"),
                    stress=Avg("stress"),
                    n=Count("id"),
                )
                .order_by()
            )
            timings.append(time.perf_counter() - began)
            rows = sum(r["n"] for r in result)
        return min(timings), rows

    def inputs() -> float:
        """One GROUP BY over each table the evaluation reads, in the same window: check-ins,
        sessions and done exercise logs (shown beside the target, not judged)."""
        from tracker.models import ExerciseLog, Session

        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            for model, extra in (
                (DailyCheckin, {}),
                (Session, {}),
                (ExerciseLog, {"status": "done"}),
            ):
                list(
                    model.objects.filter(patient_id__in=ids, local_date__gte=start, **extra)
                    .values("patient_id")
                    .annotate(n=Count("id"))
                    .order_by()
                )
            timings.append(time.perf_counter() - began)
        return min(timings)

    window_seconds, window_rows = scan(local_date__gte=start)
    full_seconds, full_rows = scan()
    return {
        "patients": len(ids),
        "window_seconds": round(window_seconds, 4),
        "window_checkins": window_rows,
        "history_seconds": round(full_seconds, 4),
        "history_checkins": full_rows,
        "inputs_seconds": round(inputs(), 4),
    }


def queries_per_batch(ids: list[int]) -> int:
    """How many queries one batch costs (counted in this process, on the same data)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.services.flags import trends_evaluate_patients

    with CaptureQueriesContext(connection) as captured:
        trends_evaluate_patients(patient_ids=ids)
    return len(captured)
