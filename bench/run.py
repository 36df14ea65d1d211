"""`make bench`: build a clinic network's worth of data, measure the hot paths, judge them.

    python -m bench.run [--scale 1.0] [--reuse-data] [--keep-db]

Stages: a fresh bench database (SQLite under var/bench, or `rehabit_bench` on the
PostgreSQL server DATABASE_URL names), the data set (bench/datagen.py), static files, query
counts, the HTTP run (gunicorn with 2 workers on loopback, driven by bench/loadgen.py in a
process of its own), the trend evaluation (bench/evaluation.py) and the reminder dispatch.
Writes bench/results.json and prints the table with each target's pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.env import (
    BASE_DIR,
    MANIFEST,
    PASSWORD,
    PG_DATABASE,
    PYTHON,
    SQLITE_FILE,
    VAR_DIR,
    bench_environment,
    database_url,
    server_url,
)

RESULTS = BASE_DIR / "bench" / "results.json"
PORTS = range(8100, 8200)
GUNICORN_WORKERS = 2
EVALUATION_BATCH = 200  # as tracker.services.flags.EVALUATION_BATCH; checked at run time

# Targets (README, "Performance").
HOT_PATH_P95_OVER_FLOOR = 4.0
EVALUATION_GROWTH_4X = 5.0  # 4× the patients within 5× the time
# The evaluation within 5× the time of fetching its input rows with plain SQL, same workers.
EVALUATION_OVER_INPUT_READ = 5.0
TODAY_GZIP_BYTES = 60_000
PEAK_MEMORY_GROWTH = 1.2  # "flat": the full run's worker peak within 20 % of the ¼ run's
TOTAL_MINUTES = 15

# The HTTP phases, each with a warm-up and a budget of requests and seconds. As many clients
# as workers, each sending its next request when the last one is answered: every request
# finds a free worker, so latency is the request's own work, not a queue (which would
# inflate slow pages more than the floor).
# - one path at a time: requests per second of that path alone;
# - "interleaved": each client goes floor, Today, floor, tick, floor, check-in, …, so the
#   latencies the targets compare are taken under the same load from the rest of the machine.
PATIENT_PATHS = ("floor", "today", "tick", "checkin")
INTERLEAVED = ["floor", "today", "floor", "tick", "floor", "checkin"]
PHASES = [
    {"name": "floor", "warmup": 40, "requests": 3000, "seconds": 10},
    {"name": "today", "warmup": 20, "requests": 1000, "seconds": 12},
    {"name": "tick", "warmup": 20, "requests": 1000, "seconds": 12},
    {"name": "checkin", "warmup": 20, "requests": 1000, "seconds": 12},
    {"name": "interleaved", "cycle": INTERLEAVED, "warmup": 12, "requests": 3000, "seconds": 45},
    {"name": "caseload", "warmup": 4, "requests": 200, "seconds": 15},
    {"name": "clinic", "warmup": 2, "requests": 100, "seconds": 20},
]
EVALUATION_REPEAT = 2  # best of two passes per configuration
STAGES = ("queries", "http", "evaluation", "dispatch")


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Stages:
    """Times each stage, so the report says where the bench's own minutes go."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, name: str, work: Callable[[], Any]) -> Any:
        log(f"{name} …")
        began = time.perf_counter()
        result = work()
        self.seconds[name] = round(time.perf_counter() - began, 1)
        log(f"{name}: {self.seconds[name]} s")
        return result


# --- the database --------------------------------------------------------------------------


def fresh_database(url: str, engine: str) -> None:
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(server_url(url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)


def database_exists(url: str, engine: str) -> bool:
    if engine != "postgresql":
        return SQLITE_FILE.exists()
    import psycopg

    with psycopg.connect(server_url(url), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE])
        return found.fetchone() is not None


def drop_database(url: str, engine: str) -> None:
    from django.db import connections

    connections.close_all()
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(server_url(url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
    else:
        # Half a gigabyte at the default scale: not left lying around unless asked for.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    MANIFEST.unlink(missing_ok=True)


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def machine() -> dict[str, object]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "unknown",
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if "MemTotal" in line), 0)
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "database": database_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- the HTTP run ---------------------------------------------------------------------------


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8100-8199")


def wait_until_up(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def floor_path(data: Any) -> str:
    """A check-in that exists: the floor's one read finds a row."""
    day = date.today() - timedelta(days=2)
    return f"/bench/floor/?patient={data.login_patients[0]['id']}&day={day}"


def http_run(data: Any) -> dict[str, Any]:
    """gunicorn with 2 sync workers (the production default), driven from another process."""
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],  # fmt: skip
        cwd=BASE_DIR,
        env=os.environ.copy(),
    )
    try:
        wait_until_up(port, server)
        job = {
            "host": "127.0.0.1",
            "port": port,
            "password": PASSWORD,
            "patients": data.login_patients[:GUNICORN_WORKERS],
            "therapists": data.therapist_emails[:2],
            "admin": data.admin_email,
            "floor_path": floor_path(data),
            "phases": [{**phase, "concurrency": GUNICORN_WORKERS} for phase in PHASES],
        }
        result = subprocess.run(
            [PYTHON, "-m", "bench.loadgen"],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            cwd=BASE_DIR,
            timeout=900,
        )
        if result.returncode != 0:
            raise RuntimeError(f"the load generator failed:\n{result.stderr[-3000:]}")
        report: dict[str, Any] = json.loads(result.stdout)
        report["port"] = port
        report["gunicorn_workers"] = GUNICORN_WORKERS
        return report
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


# --- the measurements in this process -------------------------------------------------------


def query_counts(data: Any) -> dict[str, Any]:
    from bench.measure import caseload_queries, floor_queries, patient_queries

    return {
        "floor": floor_queries(floor_path(data)),
        "patient_180_days": patient_queries(data.long_count_patients[0]),
        "patient_21_days": patient_queries(data.short_count_patients[0]),
        # Two therapists who are not clinic admins, and the admin's own list and clinic view
        # (an admin's page also reads the background-jobs status: one query more).
        "sizes": {
            "short": data.short_caseload_size,
            "caseload": data.caseload_size,
            "clinic": len(data.patient_ids),
        },
        "caseload_short": caseload_queries(data.short_therapist_email),
        "caseload": caseload_queries(data.therapist_emails[0]),
        "admin_caseload": caseload_queries(data.admin_email),
        "clinic": caseload_queries(data.admin_email, "?scope=clinic"),
    }


def trend_evaluation(data: Any) -> dict[str, Any]:
    from bench.evaluation import evaluate, input_read, queries_per_batch
    from tracker.services import flags

    if flags.EVALUATION_BATCH != EVALUATION_BATCH:
        log(f"note: the app's evaluation batch is now {flags.EVALUATION_BATCH}")
    batch = flags.EVALUATION_BATCH
    ids: list[int] = data.patient_ids
    shares = {"1/4": ids[::4], "1/2": ids[::2], "all": ids}
    # The first pass opens the flags the history calls for; every timed run after it sees
    # the steady state the nightly job meets (findings mostly unchanged since yesterday).
    first = evaluate(ids, workers=2, batch_size=batch)
    runs = []
    for share, subset in shares.items():
        for workers in (1, 2):
            run = evaluate(subset, workers=workers, batch_size=batch, repeat=EVALUATION_REPEAT)
            # Its floor right after it, so both meet the same load from the rest of the machine.
            floor = input_read(subset, workers=workers, batch_size=batch, repeat=EVALUATION_REPEAT)
            run["share"] = share
            run["input_read"] = floor
            run["over_input_read"] = round(run["seconds"] / floor["seconds"], 2)
            runs.append(run)
            log(
                f"  evaluation {share} ({len(subset)}) × {workers}: {run['seconds']} s, "
                f"reading its inputs {floor['seconds']} s ({run['over_input_read']}×)"
            )
    return {
        "batch": batch,
        "first_pass": first,
        "runs": runs,
        "queries_per_batch": queries_per_batch(ids[:batch]),
    }


def dispatch(data: Any) -> dict[str, Any]:
    from bench.measure import reminder_dispatch
    from config.celery import app

    # Whatever the HTTP run enqueued (evaluations after each save) goes first.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    return reminder_dispatch(expected=round(10_000 * data.scale))


# --- judging and printing -----------------------------------------------------------------


def judge(results: dict[str, Any]) -> list[dict[str, Any]]:
    phases = results["http"]["phases"]["interleaved"]  # measured side by side with the floor
    errors = {name: p["errors"] for name, p in results["http"]["phases"].items() if "errors" in p}
    floor_p95 = phases["floor"]["p95_ms"]
    targets = []
    for name in ("today", "tick", "checkin"):
        ratio = phases[name]["p95_ms"] / floor_p95
        median_ratio = phases[name]["median_ms"] / phases["floor"]["median_ms"]
        targets.append(
            {
                "target": f"{name}: p95 ≤ {HOT_PATH_P95_OVER_FLOOR:g}× floor p95",
                "value": (
                    f"{ratio:.1f}× ({phases[name]['p95_ms']} vs {floor_p95} ms; "
                    f"medians {median_ratio:.0f}×)"
                ),
                "pass": ratio <= HOT_PATH_P95_OVER_FLOOR
                and phases[name]["errors"] == 0
                and errors.get(name, 0) == 0,
            }
        )
    counts = results["queries"]
    for name in ("today", "tick", "checkin"):
        long, short = counts["patient_180_days"][name], counts["patient_21_days"][name]
        targets.append(
            {
                "target": f"{name}: queries same at 21 and 180 days",
                "value": f"{short} / {long}",
                "pass": long == short,
            }
        )
    size = counts["sizes"]
    for label, sizes in (
        (
            f"caseload: queries same at {size['short']} and {size['caseload']} patients",
            ("caseload_short", "caseload"),
        ),
        (
            f"clinic admin: queries same at {size['caseload']} and {size['clinic']}",
            ("admin_caseload", "clinic"),
        ),
    ):
        values = [counts[size] for size in sizes]
        targets.append(
            {"target": label, "value": " / ".join(map(str, values)), "pass": len(set(values)) == 1}
        )
    runs = {(r["share"], r["workers"]): r for r in results["evaluation"]["runs"]}
    for workers in (1, 2):
        growth = runs["all", workers]["seconds"] / runs["1/4", workers]["seconds"]
        targets.append(
            {
                "target": (
                    f"evaluation × {workers}: 4× patients within {EVALUATION_GROWTH_4X:g}× time"
                ),
                "value": f"{growth:.1f}×",
                "pass": growth <= EVALUATION_GROWTH_4X,
            }
        )
    for workers in (1, 2):
        run = runs["all", workers]
        floor = run["input_read"]["seconds"]
        over = run["seconds"] / floor
        targets.append(
            {
                "target": (
                    f"evaluation × {workers}: ≤ {EVALUATION_OVER_INPUT_READ:g}× reading its "
                    "input rows"
                ),
                "value": f"{over:.1f}× ({run['seconds']} s vs {floor * 1000:.0f} ms)",
                "pass": over <= EVALUATION_OVER_INPUT_READ,
            }
        )
    peak_quarter = max(runs["1/4", w]["peak_rss_mb"] for w in (1, 2))
    peak_all = max(runs["all", w]["peak_rss_mb"] for w in (1, 2))
    targets.append(
        {
            "target": "evaluation worker peak memory flat",
            "value": f"{peak_quarter:.0f} → {peak_all:.0f} MB",
            "pass": peak_all <= PEAK_MEMORY_GROWTH * peak_quarter,
        }
    )
    weight = results["http"]["page_weight"]["total_gzip_bytes"]
    targets.append(
        {
            "target": f"Today ≤ {TODAY_GZIP_BYTES // 1000} KB gzip (HTML+CSS+JS)",
            "value": f"{weight / 1000:.1f} KB",
            "pass": weight <= TODAY_GZIP_BYTES,
        }
    )
    if results.get("complete_run"):
        minutes = results["total_seconds"] / 60
        targets.append(
            {
                "target": f"bench end to end < {TOTAL_MINUTES} min",
                "value": f"{minutes:.1f} min",
                "pass": minutes < TOTAL_MINUTES,
            }
        )
    return targets


def _row(cells: list[object], widths: list[int]) -> str:
    return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()


def table(results: dict[str, Any]) -> str:
    out: list[str] = []
    m = results["machine"]
    out.append(
        f"Rehabit bench — scale {results['scale']:g} — {m['database']} — "
        f"{m['nproc']} × {m['cpu']}, {m['ram_gb']} GB RAM — load {m['load_average_at_start']}"
    )
    counts = results["data"]["counts"]
    out.append(
        f"data: {counts.get('patients (both clinics)')} patients, "
        f"{counts.get('check-ins (clinic A)')} check-ins and "
        f"{counts.get('exercise logs (clinic A)')} exercise logs in clinic A "
        f"(built in {results['data']['seconds']} s)"
    )
    out.append("")
    http = results["http"]
    phases = http["phases"]
    mixed = phases["interleaved"]
    floor = mixed["floor"]
    out.append(
        f"HTTP: gunicorn × {http['gunicorn_workers']} sync workers on loopback, "
        f"{phases['floor']['concurrency']} keep-alive clients in another process; latency "
        "of the patient paths interleaved with the floor, req/s of each path alone"
    )
    widths = [26, 10, 10, 10, 8, 7, 7]
    out.append(_row(["path", "median", "p95", "p95/floor", "req/s", "errors", "queries"], widths))
    q = results["queries"]
    endpoints = http["endpoints"]
    rows = [
        ("floor", "floor (1 indexed read)", mixed["floor"], q["floor"]),
        ("today", f"GET {endpoints['today']}", mixed["today"], q["patient_180_days"]["today"]),
        ("tick", f"POST {endpoints['tick']} (htmx)", mixed["tick"], q["patient_180_days"]["tick"]),
        (
            "checkin",
            f"POST {endpoints['checkin']} (htmx)",
            mixed["checkin"],
            q["patient_180_days"]["checkin"],
        ),
        ("caseload", f"caseload ({q['sizes']['caseload']})", phases["caseload"], q["caseload"]),
        ("clinic", f"clinic view ({q['sizes']['clinic']})", phases["clinic"], q["clinic"]),
    ]
    for name, label, latency, queries in rows:
        ratio = f"{latency['p95_ms'] / floor['p95_ms']:.1f}×" if name in PATIENT_PATHS else "—"
        out.append(
            _row(
                [
                    label,
                    f"{latency['median_ms']} ms",
                    f"{latency['p95_ms']} ms",
                    ratio,
                    phases[name]["rps"],
                    phases[name]["errors"] + (mixed[name]["errors"] if name in mixed else 0),
                    queries,
                ],
                widths,
            )
        )
    out.append("")
    ev = results["evaluation"]
    out.append(
        f"Trend evaluation, batches of {ev['batch']} ({ev['queries_per_batch']} queries each)"
    )
    widths = [8, 9, 8, 9, 11, 9, 12, 9]
    out.append(
        _row(
            [
                "share",
                "patients",
                "workers",
                "seconds",
                "patients/s",
                "peak MB",
                "input read",
                "÷ input",
            ],
            widths,
        )
    )
    for run in ev["runs"]:
        floor = run["input_read"]
        out.append(
            _row(
                [
                    run["share"],
                    run["patients"],
                    run["workers"],
                    run["seconds"],
                    run["patients_per_s"],
                    run["peak_rss_mb"],
                    f"{floor['seconds'] * 1000:.0f} ms",
                    f"{run['seconds'] / floor['seconds']:.1f}×",
                ],
                widths,
            )
        )
    rows = ev["runs"][-1]["input_read"]["rows"]
    out.append(
        f"(first pass, opening flags: {ev['first_pass']['seconds']} s for "
        f"{ev['first_pass']['patients']} patients with 2 workers; input read = the same "
        "batches' input rows fetched with plain SELECTs on a DB-API cursor, same workers: "
        + ", ".join(f"{n:,} {name}" for name, n in rows.items())
        + " for everyone)"
    )
    out.append("")
    d = results["dispatch"]
    out.append(
        f"Reminder dispatch: {d['enqueued']} of {d['due']} due claimed and enqueued "
        f"({d['broker']} broker) in {d['seconds']} s "
        f"(claim {d['claim_seconds']} s + enqueue {d['enqueue_seconds']} s, "
        f"{d['per_s']}/s, {d['claim_calls']} claims)"
    )
    pw = http["page_weight"]
    out.append(
        f"Page weight of Today: {pw['total_gzip_bytes'] / 1000:.1f} KB gzip "
        f"({pw['total_bytes'] / 1000:.1f} KB raw, {len(pw['parts'])} files)"
    )
    out.append("")
    out.append("Targets")
    for target in results["targets"]:
        verdict = "PASS" if target["pass"] else "FAIL"
        out.append(f"  {verdict}  {target['target']}: {target['value']}")
    return "\n".join(out)


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the data set")
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="measure on the data set a --keep-db run built earlier today",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the bench database (SQLite file or PostgreSQL database) for --reuse-data",
    )
    parser.add_argument(
        "--only",
        default=",".join(STAGES),
        help=f"comma-separated stages to measure (of {', '.join(STAGES)}); with --reuse-data "
        "the others come from the last bench/results.json",
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()

    url, engine = database_url()
    os.environ.update(bench_environment(url))
    VAR_DIR.mkdir(parents=True, exist_ok=True)

    reuse = False
    if args.reuse_data and MANIFEST.exists():
        previous = json.loads(MANIFEST.read_text())
        reuse = (
            previous["scale"] == args.scale
            and previous.get("engine") == engine
            and previous["built_on"][:10] == str(date.today())
            and database_exists(url, engine)
        )
    if not reuse:
        fresh_database(url, engine)
        MANIFEST.unlink(missing_ok=True)

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    if not reuse:
        # A rebuilt database hands out the same patient ids and plan revisions again: plans
        # kept in the cache for the last data set would be taken for this one's.
        cache.clear()

    from bench import datagen

    stages = Stages()
    results: dict[str, Any] = {"scale": args.scale, "engine": engine}
    try:
        if reuse:
            data = datagen.BenchData.load()
            log("reusing the data set built earlier today")
        else:
            stages.run("migrate", lambda: call_command("migrate", verbosity=0))
            data = stages.run("data", lambda: datagen.build(datagen.Scale.of(args.scale)))
        results["machine"] = machine()
        results["data"] = {"counts": data.counts, "seconds": data.seconds}
        stages.run(
            "static",
            lambda: call_command("collectstatic", interactive=False, verbosity=0, clear=True),
        )
        measures: dict[str, Callable[[], Any]] = {
            "queries": lambda: query_counts(data),
            "http": lambda: http_run(data),
            "evaluation": lambda: trend_evaluation(data),
            "dispatch": lambda: dispatch(data),
        }
        only = {name.strip() for name in args.only.split(",")}
        earlier = json.loads(RESULTS.read_text()) if reuse and RESULTS.exists() else {}
        for name, measure in measures.items():
            if name in only:
                results[name] = stages.run(name, measure)
            elif name in earlier:
                results[name] = earlier[name]
                log(f"{name}: kept from the last results")
            else:
                raise SystemExit(f"--only without {name}: no earlier result to keep")
    finally:
        results["stage_seconds"] = stages.seconds
        results["total_seconds"] = round(time.perf_counter() - began, 1)
        # Only a fresh build with every stage says how long `make bench` takes.
        results["complete_run"] = not reuse and set(STAGES) <= set(results)
        if not args.keep_db:
            drop_database(url, engine)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = judge(results)
    RESULTS.write_text(json.dumps(results, indent=1, default=str))
    print(table(results))
    print(f"\nwritten to {RESULTS.relative_to(BASE_DIR)}; total {results['total_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
