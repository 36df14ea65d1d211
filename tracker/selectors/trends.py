"""Feeding the pure trend rules: each patient's recent history as a ``PatientWindow``.

A batch of patients costs a fixed number of queries (check-ins, sessions, adherence, last
activity of those quiet in the lookback, programs, and the sessions again as rows for
anyone with two on one day), whatever the batch size or the length of their histories,
and only the lookback the rules need is read. Check-ins and sessions come packed, one
text per patient (see ``rows.Characters``), and reach the rules as columns.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from itertools import compress
from operator import le
from typing import Any

from django.db.models import F, IntegerField, Max, Min, QuerySet, StringAgg, Value
from django.db.models.functions import Cast

from tracker import trends
from tracker.models import Clinic, DailyCheckin, Program, Session
from tracker.selectors.adherence import adherence_series
from tracker.selectors.rows import (
    PACKED_BASE,
    PACKED_NUMBERS,
    AmongIds,
    Characters,
    DayNumber,
    Ids,
    batch_rows,
    day_characters,
    day_lookup,
    packed_columns,
    raw_rows,
    unpacked,
    unpacked_days,
)


def clinic_thresholds(clinic: Clinic) -> trends.Thresholds:
    """The clinic's tuned thresholds; a bad override keeps its default, the others apply
    (``Clinic.flag_threshold_notices`` names the bad ones for the clinic's admins)."""
    return thresholds_from_overrides(clinic.flag_thresholds)


def thresholds_from_overrides(overrides: dict[str, Any] | None) -> trends.Thresholds:
    """Thresholds from a clinic's stored overrides, read without the clinic itself: every
    valid override applies, a bad one keeps its default."""
    return trends.decode_overrides(overrides).thresholds


def patient_windows(
    patient_ids: Iterable[int],
    *,
    start: date,
    end: date,
    adherence_until: dict[int, date] | None = None,
) -> dict[int, trends.PatientWindow]:
    """Each patient's history from ``start`` to ``end`` (local dates) as one window.

    ``window.until(day)`` then gives the history as the daily job saw it on any day of the
    range, which is how a replay evaluates many days from one read. ``adherence_until``
    stops a patient's adherence early: today's is not over yet.
    """
    ids = list(patient_ids)
    days, due, done = adherence_series(ids, start, end)
    checkins = _checkin_columns(ids, days, start, end)
    sessions = _session_columns(ids, days, start, end)
    last_activity: dict[int, date] = {}
    for pid in ids:
        last = [c.dates[-1] for c in (checkins[pid], sessions[pid]) if c.dates]
        if last:
            last_activity[pid] = max(last)

    adherence: dict[int, trends.AdherenceColumns] = {}
    for pid in ids:
        # The days up to the patient's stop on which something was due.
        n = max(0, ((adherence_until or {}).get(pid, end) - start).days + 1)
        dues = due[pid][:n]
        adherence[pid] = trends.AdherenceColumns(
            list(compress(days, dues)), list(compress(dues, dues)), list(compress(done[pid], dues))
        )

    # Anyone active in the window was last active there; only the others need their
    # whole history asked for its last date.
    quiet = [pid for pid in ids if pid not in last_activity]
    for model in (DailyCheckin, Session) if quiet else ():
        for row in (
            model.objects.filter(AmongIds("patient_id", quiet), local_date__lte=end)
            .values("patient_id")
            .annotate(last=Max("local_date"))
        ):
            pid, last = row["patient_id"], row["last"]
            last_activity[pid] = max(last, last_activity.get(pid, last))

    program_start = {
        pid: start + timedelta(days=first)
        for pid, first in batch_rows(_first_program_days, ids, start)
    }
    return {
        pid: trends.PatientWindow(
            as_of=end,
            checkins=checkins[pid],
            sessions=sessions[pid],
            adherence=adherence[pid],
            last_activity=last_activity.get(pid),
            program_start=program_start.get(pid),
        )
        for pid in ids
    }


def _first_program_days(ids: Ids, start: date) -> QuerySet[Any]:
    """Each patient's first day of a program that is not paused, as a day number."""
    return (
        Program.objects.filter(AmongIds("patient_id", ids))
        .exclude(status=Program.Status.PAUSED)
        .order_by()
        .values("patient_id")
        .annotate(first=Min(DayNumber("start_date", start)))
        .values_list("patient_id", "first")
    )


# Sleep is kept in half hours; packed, as the number of half hours.
_SLEEP_HOURS: list[float | None] = [None, None, *(n / 2 for n in range(PACKED_BASE))]


def _checkin_columns(
    ids: list[int], days: list[date], start: date, end: date
) -> dict[int, trends.CheckinColumns]:
    """Each patient's check-ins from ``start`` to ``end`` as columns, from one packed text
    per patient (see ``Characters``): the check-ins are the batch's most rows."""
    packed = batch_rows(_packed_checkins, ids, start, end)
    by_patient = dict.fromkeys(ids, trends.CheckinColumns.empty())  # read-only, so shared
    lookup = day_lookup(days)
    for pid, records in packed:
        by_patient[pid] = checkins_unpacked(records, days, lookup)
    return by_patient


def _packed_checkins(ids: Ids, start: date, end: date) -> QuerySet[Any]:
    return _packed_by_patient(
        DailyCheckin.objects.filter(
            AmongIds("patient_id", ids), local_date__gte=start, local_date__lte=end
        ),
        start,
        "pain",
        "worst_pain",
        Cast(F("sleep_hours") * 2, IntegerField()),
        "sleep_quality",
        "stress",
    )


def _packed_by_patient(rows: QuerySet[Any], start: date, *fields: Any) -> QuerySet[Any]:
    """Each patient's ``rows`` as one packed text (see ``Characters``): per row its day
    from ``start`` in two characters, then ``fields``."""
    return (
        rows.order_by()
        .values("patient_id")
        .annotate(
            records=StringAgg(
                Characters(*day_characters(DayNumber("local_date", start)), *fields), Value("")
            )
        )
        .values_list("patient_id", "records")
    )


def _unpacked_records(
    records: str, days: list[date], lookup: list[date | None], values: Sequence[list[Any]]
) -> tuple[list[date], list[list[Any]]]:
    """One patient's packed text as the dates and a column per field, each field read
    through its lookup in ``values`` (``PACKED_NUMBERS`` for whole numbers)."""
    whole, rest, *fields = packed_columns(records, 2 + len(values))
    columns = [unpacked(field, by_code) for field, by_code in zip(fields, values, strict=True)]
    return unpacked_days(whole, rest, days, lookup), columns


_CHECKIN_VALUES = (PACKED_NUMBERS, PACKED_NUMBERS, _SLEEP_HOURS, PACKED_NUMBERS, PACKED_NUMBERS)
_SESSION_VALUES = (PACKED_NUMBERS, PACKED_NUMBERS)


def checkins_unpacked(
    records: str, days: list[date], lookup: list[date | None]
) -> trends.CheckinColumns:
    """One patient's packed check-ins (see ``_checkin_columns``) as columns, in date order."""
    dates, columns = _in_date_order(*_unpacked_records(records, days, lookup, _CHECKIN_VALUES))
    return trends.CheckinColumns(dates, *columns)


def _session_columns(
    ids: list[int], days: list[date], start: date, end: date
) -> dict[int, trends.SessionColumns]:
    """Each patient's sessions from ``start`` to ``end`` as columns, in the order they were
    started, packed like the check-ins.

    A packed text keeps no order within a day, so a patient with two sessions on one day
    has their sessions read again as rows, in order.
    """
    packed = batch_rows(_packed_sessions, ids, start, end)
    by_patient = dict.fromkeys(ids, trends.SessionColumns.empty())
    lookup = day_lookup(days)
    two_a_day = []
    for pid, records in packed:
        dates, columns = _unpacked_records(records, days, lookup, _SESSION_VALUES)
        if len(set(dates)) < len(dates):
            two_a_day.append(pid)
            continue
        dates, columns = _in_date_order(dates, columns)
        by_patient[pid] = trends.SessionColumns(dates, *columns)
    if two_a_day:
        by_patient |= _per_patient(
            two_a_day,
            days,
            trends.SessionColumns,
            raw_rows(
                _sessions_between(two_a_day, start, end)
                .order_by("patient_id", "local_date", "started_at")
                .values_list(
                    "patient_id", DayNumber("local_date", start), "pain_before", "pain_after"
                )
            ),
        )
    return by_patient


def _sessions_between(ids: Iterable[int], start: date, end: date) -> QuerySet[Session]:
    return Session.objects.filter(
        AmongIds("patient_id", ids), local_date__gte=start, local_date__lte=end
    )


def _packed_sessions(ids: Ids, start: date, end: date) -> QuerySet[Any]:
    return _packed_by_patient(
        _sessions_between(ids, start, end), start, "pain_before", "pain_after"
    )


def _in_date_order(
    dates: list[date], columns: list[list[Any]]
) -> tuple[list[date], list[list[Any]]]:
    """Unpacked records (one per date) sorted by date: the database joins them in any order."""
    if all(map(le, dates, dates[1:])):
        return dates, columns
    order = sorted(range(len(dates)), key=dates.__getitem__)
    return [dates[i] for i in order], [[column[i] for i in order] for column in columns]


def _per_patient[C: trends.DatedColumns[Any]](
    ids: list[int], days: list[date], kind: type[C], rows: list[tuple[Any, ...]]
) -> dict[int, C]:
    """Rows of (patient, day number, *fields), ordered by patient and date, as columns per
    patient.

    Slices of the batch's columns, so no per-row work runs in Python: tens of thousands of
    rows a batch, built one by one, were a fifth of the evaluation.
    """
    if not rows:
        return dict.fromkeys(ids, kind.empty())
    patients, numbers, *fields = zip(*rows, strict=True)
    dates = list(map(days.__getitem__, numbers))
    by_patient: dict[int, C] = {}
    for pid in ids:
        low = bisect.bisect_left(patients, pid)
        span = slice(low, bisect.bisect_right(patients, pid, low))
        by_patient[pid] = kind(dates[span], *(field[span] for field in fields))
    return by_patient
