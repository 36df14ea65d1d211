"""The bench's data set, written through the project's own import path.

Histories are generated as the CSV files of the data-interchange format and loaded with
`import_caseload` (the code behind `import_logs` and the clinic admin's upload page), so the
rows are validated and written exactly as a clinic moving to Rehabit would get them.

Deterministic: every patient's numbers come from a generator seeded by the bench seed and
the patient's email. Dates are relative to the day of the run (the importer refuses future
days, and Today must be today), so two runs on the same day build the same data.

The network has two clinics:
- Clinic A: the measured one. 20 therapists × 100 patients with 180 days each (× scale).
- Clinic B: 16 patients with 21 days of history (the short history the query counts are
  compared against) and enough history-less patients that 10,000 (× scale) are due for a
  reminder in the dispatch measurement. Kept apart so clinic A's clinic view stays 2,000.
"""

from __future__ import annotations

import io
import json
import math
import random
import sys
import time
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from bench.env import MANIFEST, PASSWORD
from tracker.models import (
    Clinic,
    DailyCheckin,
    Exercise,
    ExerciseLog,
    PatientProfile,
    PrescribedExercise,
    Session,
    User,
)
from tracker.services.importer import _session_client_id, import_caseload

SEED = 20260801
DOMAIN = "bench.rehabit.test"
# Cycled in order, so every group of patients (a caseload, the short-history set) spans the
# same time zones, and so the same local-date groups, whatever the hour of the run.
TIMEZONES = (
    "Europe/London",
    "America/New_York",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Australia/Sydney",
    "America/Chicago",
    "Asia/Kolkata",
    "UTC",
)
# Patients per import call: ~7,000 sessions each, inside SQLite's bound-variable limit (32,766
# in default builds) for the importer's `client_id IN (…)` lookups, and bounded memory.
IMPORT_CHUNK = 50


@dataclass(frozen=True)
class Scale:
    factor: float
    therapists: int
    patients: int
    days: int
    reminder_due: int
    short_patients: int = 16
    short_days: int = 21

    @classmethod
    def of(cls, factor: float) -> Scale:
        return cls(
            factor=factor,
            # At least three: an admin, and two therapists who are not (the caseload pages).
            therapists=max(3, round(20 * factor)),
            patients=max(8, round(2000 * factor)),
            days=180,
            reminder_due=max(100, round(10_000 * factor)),
        )


@dataclass
class BenchData:
    """What the measurements need to find in the data set (kept as var/bench/data.json)."""

    scale: float
    engine: str  # "sqlite" or "postgresql"
    caseload_size: int  # patients of each clinic A therapist
    short_caseload_size: int  # patients of the short-history therapist in clinic B
    clinic_a: int
    clinic_b: int
    admin_email: str  # clinic A's clinic admin: the clinic view of every patient
    therapist_emails: list[str]  # clinic A therapists who log in: caseload of 100 each
    short_therapist_email: str  # clinic B therapist of the short-history patients
    patient_ids: list[int]  # clinic A, in id order (the trend evaluation's population)
    login_patients: list[dict[str, object]]  # long history, for the HTTP load
    long_count_patients: list[int]  # long history, for query counts
    short_count_patients: list[int]  # 21-day history, for query counts
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    built_on: str = ""

    def save(self) -> None:
        MANIFEST.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls) -> BenchData:
        return cls(**json.loads(MANIFEST.read_text()))


# --- what a patient's days look like ---------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One day's expected values before noise; ``active`` False means nothing was logged."""

    pain: float
    sleep_hours: float
    sleep_quality: float
    stress: float
    adherence: float  # chance of a session that day
    active: bool = True


Shape = Callable[[float, int], Day]  # (fraction of the history, days before the end) → Day


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * max(0.0, min(1.0, t))


def improving(t: float, left: int) -> Day:
    return Day(_lerp(6.2, 2.3, t), _lerp(6.4, 7.4, t), _lerp(5, 7, t), _lerp(5, 3, t), 0.85)


def steady(t: float, left: int) -> Day:
    return Day(3.3, 7.1, 6.5, 3.6, 0.8)


def slowly_worsening(t: float, left: int) -> Day:
    return Day(_lerp(3, 5.6, t), 7.0, _lerp(6.5, 5.5, t), _lerp(3.5, 4.5, t), 0.75)


def pain_rising_as_sleep_worsens(t: float, left: int) -> Day:
    u = (21 - left) / 21  # the last three weeks
    return Day(_lerp(3, 6.5, u), _lerp(7.5, 5.5, u), _lerp(7, 3.5, u), _lerp(3.5, 4.5, u), 0.8)


def stress_then_pain(t: float, left: int) -> Day:
    u = (18 - left) / 18
    return Day(_lerp(2.8, 5.8, u), 7.0, _lerp(6.5, 5.5, u), _lerp(3, 7.5, u), 0.75)


def adherence_falling(t: float, left: int) -> Day:
    return Day(3.5, 7.0, 6.0, 4.0, _lerp(0.85, 0.15, (28 - left) / 28))


def flare_and_settle(t: float, left: int) -> Day:
    flare = 1.0 if 0.45 <= t <= 0.52 else 0.0
    return Day(3.2 + 3.2 * flare, 7.0 - flare, 6.5 - 2 * flare, 3.5 + flare, 0.8 - 0.3 * flare)


def _gone_quiet(quiet_days: int) -> Shape:
    def shape(t: float, left: int) -> Day:
        return Day(3.6, 7.0, 6.0, 4.0, 0.75, active=left >= quiet_days)

    return shape


ARCHETYPES: list[tuple[str, float]] = [
    ("improving", 0.30),
    ("steady", 0.25),
    ("pain_rising_as_sleep_worsens", 0.10),
    ("stress_then_pain", 0.07),
    ("gone_quiet", 0.08),
    ("adherence_falling", 0.08),
    ("flare_and_settle", 0.07),
    ("slowly_worsening", 0.05),
]
SHAPES: dict[str, Shape] = {
    "improving": improving,
    "steady": steady,
    "pain_rising_as_sleep_worsens": pain_rising_as_sleep_worsens,
    "stress_then_pain": stress_then_pain,
    "adherence_falling": adherence_falling,
    "flare_and_settle": flare_and_settle,
    "slowly_worsening": slowly_worsening,
}


def _rating(rng: random.Random, mean: float, spread: float = 0.8) -> int:
    # Integer ratings with ±1 of day-to-day noise, as real 0–10 scales behave.
    return max(0, min(10, round(rng.gauss(mean, spread))))


def _half_hours(rng: random.Random, mean: float) -> str:
    hours = max(0.0, min(16.0, round(rng.gauss(mean, 0.6) * 2) / 2))
    return f"{hours:.1f}"


@dataclass(frozen=True)
class Dose:
    sets: int
    reps: int | None
    hold_seconds: int | None


@dataclass
class PatientPlan:
    email: str
    tz: str
    slugs: list[str]
    first_day: date
    days: int
    archetype: str


@dataclass(frozen=True)
class ExerciseRow:
    slug: str
    done: bool
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    pain_during: int | None


@dataclass(frozen=True)
class SessionDay:
    day: date
    pain_before: int
    pain_after: int
    exercises: tuple[ExerciseRow, ...]


@dataclass
class History:
    checkins: list[str]  # checkins.csv lines
    sessions: list[SessionDay]


def _local_today(tz: str) -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(tz)).date()


def plan_patient(
    index: int, prefix: str, days: int, slugs: list[str], archetype: str | None = None
) -> PatientPlan:
    rng = random.Random(f"{SEED}:{prefix}:{index}:plan")
    tz = TIMEZONES[index % len(TIMEZONES)]
    chosen = rng.sample(slugs, rng.randint(4, 7))
    if archetype is None:
        archetype = rng.choices([a for a, _ in ARCHETYPES], [w for _, w in ARCHETYPES])[0]
    # The history ends yesterday in the patient's own calendar: today is still to be logged.
    # (Never after the server's date: the importer refuses days that have not come.)
    first_day = min(_local_today(tz), timezone.now().date()) - timedelta(days=days)
    email = f"{prefix}{index:05d}@{DOMAIN}"
    return PatientPlan(email, tz, chosen, first_day, days, archetype)


def history(plan: PatientPlan, doses: dict[str, Dose]) -> History:
    """The patient's check-ins (as CSV lines) and sessions, day by day."""
    rng = random.Random(f"{SEED}:{plan.email}:history")
    if plan.archetype == "gone_quiet":
        shape = _gone_quiet(rng.randint(4, 16))
    else:
        shape = SHAPES[plan.archetype]
    # Real histories have holes: a trip or an illness (a spell of silence) and single days.
    gaps: set[int] = set()
    for _ in range(rng.choice((0, 1, 1, 2))):
        start = rng.randrange(max(1, plan.days))
        gaps.update(range(start, start + rng.randint(3, 10)))
    out = History([], [])
    for offset in range(plan.days):
        day = plan.first_day + timedelta(days=offset)
        shape_day = shape(offset / plan.days, plan.days - offset)
        if not shape_day.active or offset in gaps:
            continue
        pain = _rating(rng, shape_day.pain)
        if rng.random() < 0.96:
            worst = min(10, pain + abs(round(rng.gauss(1.2, 0.9))))
            out.checkins.append(
                f"{plan.email},{day.isoformat()},{pain},{worst},"
                f"{_half_hours(rng, shape_day.sleep_hours)},"
                f"{_rating(rng, shape_day.sleep_quality)},{_rating(rng, shape_day.stress)},\n"
            )
        if rng.random() < shape_day.adherence:
            before = _rating(rng, pain, 0.7)
            after = max(0, min(10, before + round(rng.gauss(0.1, 0.9))))
            rows = []
            for slug in plan.slugs:
                dose = doses[slug]
                if rng.random() < 0.93:
                    during = _rating(rng, before, 1.0) if rng.random() < 0.3 else None
                    rows.append(
                        ExerciseRow(slug, True, dose.sets, dose.reps, dose.hold_seconds, during)
                    )
                else:
                    rows.append(ExerciseRow(slug, False, None, None, None, None))
            out.sessions.append(SessionDay(day, before, after, tuple(rows)))
    return out


def _blank(value: object) -> str:
    return "" if value is None else str(value)


def sessions_csv(plans: list[PatientPlan], histories: dict[str, History]) -> str:
    lines = [SESSIONS_HEADER]
    for plan in plans:
        for s in histories[plan.email].sessions:
            for r in s.exercises:
                lines.append(
                    f"{plan.email},{s.day.isoformat()},1,{r.slug},{int(r.done)},"
                    f"{_blank(r.sets)},{_blank(r.reps)},{_blank(r.hold_seconds)},"
                    f"{s.pain_before},{s.pain_after},{_blank(r.pain_during)},\n"
                )
    return "".join(lines)


# --- loading it --------------------------------------------------------------------------

PATIENTS_HEADER = "email,timezone,exercises,program_start\n"
CHECKINS_HEADER = "patient_email,date,pain,worst_pain,sleep_hours,sleep_quality,stress,note\n"
SESSIONS_HEADER = (
    "patient_email,date,session_ref,exercise_slug,done,sets,reps,hold_seconds,"
    "pain_before,pain_after,pain_during,note\n"
)


def _log(message: str) -> None:
    print(f"  [data] {message}", file=sys.stderr, flush=True)


def _chunks(items: list[PatientPlan], size: int) -> Iterator[list[PatientPlan]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _import(
    clinic: Clinic,
    therapist: User,
    plans: list[PatientPlan],
    *,
    checkins: str | None = None,
    sessions: str | None = None,
    with_patients: bool = True,
) -> dict[str, int]:
    """Through `import_caseload`: validated and written as the import command would."""
    patients = None
    if with_patients:
        patients = PATIENTS_HEADER + "".join(
            f"{p.email},{p.tz},{';'.join(p.slugs)},{p.first_day}\n" for p in plans
        )
    report = import_caseload(
        clinic=clinic,
        therapist=therapist,
        patients_csv=patients,
        checkins_csv=checkins,
        sessions_csv=sessions,
    )
    if not report.ok:
        shown = "\n".join(str(e) for e in report.errors[:10])
        raise RuntimeError(f"the importer refused the generated data:\n{shown}")
    return dict(report.counts)


class SessionWriter:
    """Writes sessions and exercise logs exactly as `import_caseload` does, ~30× faster.

    The importer spends ~0.4 ms a row in Django's per-field bulk_create preparation, which
    would put 1.5 million rows at a quarter of an hour. This writer builds the same rows
    (same session ids, prescription versions and dosage snapshots) as plain tuples for one
    executemany per table; `self_test` proves on every build that both write the same rows.
    """

    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic
        self.ops = connection.ops
        self.now = self.ops.adapt_datetimefield_value(timezone.now())
        self.uuid_field = Session._meta.get_field("client_id")
        self.no_symptoms = ExerciseLog._meta.get_field("symptoms").get_db_prep_save([], connection)
        self._dates: dict[date, object] = {}

    def _date(self, day: date) -> object:
        if day not in self._dates:
            self._dates[day] = self.ops.adapt_datefield_value(day)
        return self._dates[day]

    def _uuid(self, value: uuid.UUID) -> object:
        return self.uuid_field.get_db_prep_value(value, connection)

    def write(self, plans: list[PatientPlan], histories: dict[str, History]) -> dict[str, int]:
        emails = [p.email for p in plans]
        profiles = {
            email: (pk, tz)
            for email, pk, tz in PatientProfile.objects.filter(user__email__in=emails).values_list(
                "user__email", "pk", "user__timezone"
            )
        }
        # Each patient's one prescription version per exercise (the import made them).
        versions: dict[tuple[int, str], dict[str, object]] = {}
        for v in PrescribedExercise.objects.filter(
            program__patient_id__in=[pk for pk, _ in profiles.values()]
        ).values(
            "program__patient_id", "exercise__slug", "pk", "line", "exercise_id", "sets",
            "reps", "hold_seconds", "times_per_day", "side",
        ):  # fmt: skip
            versions[v["program__patient_id"], v["exercise__slug"]] = v

        session_rows: list[dict[str, object]] = []
        client_ids: list[tuple[uuid.UUID, str, SessionDay]] = []
        for plan in plans:
            pk, tz = profiles[plan.email]
            tzinfo = zoneinfo.ZoneInfo(tz)
            for s in histories[plan.email].sessions:
                client_id = _session_client_id(self.clinic, plan.email, s.day, "1")
                started = self.ops.adapt_datetimefield_value(
                    datetime.combine(s.day, dtime(18, 0), tzinfo=tzinfo)
                )
                session_rows.append(
                    {
                        "created_at": self.now,
                        "updated_at": self.now,
                        "clinic_id": self.clinic.pk,
                        "patient_id": pk,
                        "program_id": None,
                        "client_id": self._uuid(client_id),
                        "local_date": self._date(s.day),
                        "started_at": started,
                        "finished_at": started,
                        "pain_before": s.pain_before,
                        "pain_after": s.pain_after,
                        "notes": "",
                    }
                )
                client_ids.append((client_id, plan.email, s))
        _insert(Session, session_rows)
        session_ids = dict(
            Session.objects.filter(
                patient_id__in=[pk for pk, _ in profiles.values()], clinic=self.clinic
            ).values_list("client_id", "pk")
        )
        log_rows: list[dict[str, object]] = []
        for client_id, email, s in client_ids:
            pk = profiles[email][0]
            for r in s.exercises:
                v = versions[pk, r.slug]
                log_rows.append(
                    {
                        "created_at": self.now,
                        "updated_at": self.now,
                        "clinic_id": self.clinic.pk,
                        "session_id": session_ids[client_id],
                        "patient_id": pk,
                        "local_date": self._date(s.day),
                        "prescribed_id": v["pk"],
                        "line": self._uuid(v["line"]),  # type: ignore[arg-type]
                        "exercise_id": v["exercise_id"],
                        "occurrence": 1,
                        "status": "done" if r.done else "skipped",
                        "skip_reason": "",
                        "sets_done": r.sets,
                        "reps_done": r.reps,
                        "hold_seconds_done": r.hold_seconds,
                        "pain_during": r.pain_during,
                        "symptoms": self.no_symptoms,
                        "target_sets": v["sets"],
                        "target_reps": v["reps"],
                        "target_hold_seconds": v["hold_seconds"],
                        "target_times_per_day": v["times_per_day"],
                        "target_side": v["side"],
                    }
                )
        _insert(ExerciseLog, log_rows)
        return {"sessions": len(session_rows), "exercise_logs": len(log_rows)}


def _insert(model: type[Model], rows: list[dict[str, object]]) -> None:
    """Bulk rows of already-adapted values; refuses rows missing any column.

    SQLite: one executemany (in-process, no round trips). PostgreSQL: COPY, since a
    row-by-row executemany waits for the server every row and a huge multi-row INSERT spends
    its time in the driver's placeholder parsing.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    missing = {f.attname for f in fields} - set(rows[0])
    if missing:
        raise RuntimeError(f"bench/datagen.py does not fill {model.__name__}.{sorted(missing)}")
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[n] for n in names])
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                [tuple(row[n] for n in names) for row in rows],
            )


def _snapshot(patient_ids: list[int]) -> list[tuple[object, ...]]:
    """The imported rows of some patients, minus ids and write times."""
    sessions = sorted(
        Session.objects.filter(patient_id__in=patient_ids).values_list(
            "clinic_id",
            "patient_id",
            "program_id",
            "client_id",
            "local_date",
            "started_at",
            "finished_at",
            "pain_before",
            "pain_after",
            "notes",
        )  # fmt: skip
    )
    logs = sorted(
        ExerciseLog.objects.filter(patient_id__in=patient_ids).values_list(
            "clinic_id",
            "session__client_id",
            "patient_id",
            "local_date",
            "prescribed_id",
            "line",
            "exercise_id",
            "occurrence",
            "status",
            "skip_reason",
            "sets_done",
            "reps_done",
            "hold_seconds_done",
            "pain_during",
            "symptoms",
            "target_sets",
            "target_reps",
            "target_hold_seconds",
            "target_times_per_day",
            "target_side",
        ),  # fmt: skip
        key=repr,
    )
    return [*sessions, *logs]


def self_test(
    clinic: Clinic, therapist: User, plans: list[PatientPlan], histories: dict[str, History]
) -> int:
    """Write a few patients' sessions both ways and insist on identical rows.

    The writer's rows are rolled back; the importer's stay, so these patients' histories
    are the importer's own.
    """
    ids = list(
        PatientProfile.objects.filter(user__email__in=[p.email for p in plans]).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        savepoint = transaction.savepoint()
        SessionWriter(clinic).write(plans, histories)
        fast = _snapshot(ids)
        transaction.savepoint_rollback(savepoint)
        _import(
            clinic, therapist, plans, sessions=sessions_csv(plans, histories), with_patients=False
        )
        imported = _snapshot(ids)
    if fast != imported or not fast:
        raise RuntimeError(
            "bench/datagen.py: the fast session writer no longer matches the importer"
        )
    return len(imported)


def _therapist(clinic: Clinic, email: str, name: str, *, admin: bool = False) -> User:
    return User.objects.create_user(
        email,
        None,
        clinic=clinic,
        role=User.Role.THERAPIST,
        full_name=name,
        is_clinic_admin=admin,
        timezone="Europe/London",
    )


def _bare_patients(clinic: Clinic, count: int) -> None:
    """Patients with an account and a profile only: what the reminder dispatch reads.

    Not through the importer: it costs ~25 ms a patient (a program and its prescriptions
    each), minutes at 8,000, and the dispatch never looks at programs.
    """
    therapists = [
        _therapist(clinic, f"rtherapist{i:03d}@{DOMAIN}", f"B {i:03d}")
        for i in range(math.ceil(count / 100))
    ]
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"r{i:05d}@{DOMAIN}",
            password=unusable,
            role=User.Role.PATIENT,
            clinic=clinic,
            timezone=TIMEZONES[i % len(TIMEZONES)],
        )
        for i in range(count)
    )
    PatientProfile.objects.bulk_create(
        PatientProfile(user=u, clinic=clinic, therapist=therapists[i // 100])
        for i, u in enumerate(users)
    )


def build(scale: Scale) -> BenchData:
    """Seed the library, create both clinics and import every history. Returns the manifest."""
    started = time.perf_counter()
    # The command a deployment runs, so the bench follows however the library is seeded.
    call_command("seed_library", stdout=io.StringIO())
    library = {e.slug: e for e in Exercise.objects.filter(clinic__isnull=True, is_active=True)}
    slugs = sorted(library)
    doses = {
        s: Dose(e.default_sets, e.default_reps, e.default_hold_seconds) for s, e in library.items()
    }
    totals: dict[str, int] = {}

    def add(counts: dict[str, int]) -> None:
        for key, n in counts.items():
            totals[key] = totals.get(key, 0) + n

    def load(clinic: Clinic, therapist: User, plans: list[PatientPlan]) -> None:
        """Patients, programs and check-ins by the importer; then the session history."""
        histories = {p.email: history(p, doses) for p in plans}
        checkins = [CHECKINS_HEADER, *(line for p in plans for line in histories[p.email].checkins)]
        add(_import(clinic, therapist, plans, checkins="".join(checkins)))
        tested = 0
        if not totals.get("rows written both ways (self-test)"):
            tested = self_test(clinic, therapist, plans[:2], histories)
            totals["rows written both ways (self-test)"] = tested
        rest = plans[2:] if tested else plans
        with transaction.atomic():
            add(SessionWriter(clinic).write(rest, histories))

    # Clinic A: the measured clinic.
    clinic_a = Clinic.objects.create(name="Bench Clinic A")
    therapists = [
        _therapist(clinic_a, f"therapist{i:02d}@{DOMAIN}", f"Therapist {i:02d}", admin=i == 0)
        for i in range(scale.therapists)
    ]
    plans = [plan_patient(i, "a", scale.days, slugs) for i in range(scale.patients)]
    per_therapist = math.ceil(len(plans) / len(therapists))
    for t_index, therapist in enumerate(therapists):
        own = plans[t_index * per_therapist : (t_index + 1) * per_therapist]
        tick = time.perf_counter()
        for chunk in _chunks(own, IMPORT_CHUNK):
            load(clinic_a, therapist, chunk)
        _log(
            f"clinic A therapist {t_index + 1}/{len(therapists)}: {len(own)} patients "
            f"in {time.perf_counter() - tick:.1f} s"
        )

    # Clinic B: the short histories, and the history-less patients the dispatch needs.
    clinic_b = Clinic.objects.create(name="Bench Clinic B")
    short_therapist = _therapist(clinic_b, f"short@{DOMAIN}", "Short History")
    short = [
        plan_patient(i, "s", scale.short_days, slugs, "steady") for i in range(scale.short_patients)
    ]
    load(clinic_b, short_therapist, short)
    bare_count = max(0, scale.reminder_due - scale.patients - scale.short_patients)
    _bare_patients(clinic_b, bare_count)
    _log(f"clinic B: {len(short)} short histories, {bare_count} history-less patients")

    # Logins: one hash for everyone who logs in (hashing is deliberately slow).
    password = make_password(PASSWORD)
    login_therapists = [t.email for t in therapists[:3]]
    User.objects.filter(email__in=[*login_therapists, short_therapist.email]).update(
        password=password
    )
    ids = list(
        PatientProfile.objects.filter(clinic=clinic_a).order_by("pk").values_list("pk", flat=True)
    )
    # Spread over the caseloads: patients whose history is long and who are still active.
    active = [p for p in plans if p.archetype in ("improving", "steady", "flare_and_settle")]
    step = max(1, len(active) // 12)
    login_emails = [p.email for p in active[::step][:8]]
    count_emails = [p.email for p in active[::step][8:10]] or [active[-1].email]
    User.objects.filter(email__in=login_emails).update(password=password)
    profiles = {
        p.user.email: p
        for p in PatientProfile.objects.select_related("user").filter(
            user__email__in=[*login_emails, *count_emails, *(s.email for s in short)]
        )
    }

    _analyze()
    totals["check-ins (clinic A)"] = DailyCheckin.objects.filter(clinic=clinic_a).count()
    totals["exercise logs (clinic A)"] = ExerciseLog.objects.filter(clinic=clinic_a).count()
    totals["patients (both clinics)"] = PatientProfile.objects.count()
    data = BenchData(
        scale=scale.factor,
        engine="postgresql" if connection.vendor == "postgresql" else "sqlite",
        caseload_size=per_therapist,
        short_caseload_size=len(short),
        clinic_a=clinic_a.pk,
        clinic_b=clinic_b.pk,
        admin_email=therapists[0].email,
        therapist_emails=login_therapists[1:] or login_therapists,
        short_therapist_email=short_therapist.email,
        patient_ids=ids,
        login_patients=[{"email": e, "id": profiles[e].pk} for e in login_emails],
        long_count_patients=[profiles[e].pk for e in count_emails],
        short_count_patients=[profiles[s.email].pk for s in short[:2]],
        counts=totals,
        seconds=round(time.perf_counter() - started, 1),
        built_on=datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    data.save()
    return data


def _analyze() -> None:
    """Planner statistics after a bulk load, as autovacuum or a DBA would have them.

    On PostgreSQL also a VACUUM, as autovacuum would run: until it has, every row read from
    an index is checked in the table as well (an empty visibility map), and the planner,
    knowing it, passes over the covering indexes the evaluation's reads are built on.
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
