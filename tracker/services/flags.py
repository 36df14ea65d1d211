"""Evaluating trends and keeping each patient's flags in step with them.

The rules (tracker.trends) decide; this module stores: it opens, updates, escalates and
auto-resolves flags idempotently (one open flag per patient and kind, enforced by the
database too) and returns what happened, so callers can notify or print it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tracker import trends
from tracker.models import Flag, FlagEvent, FlagKind, Notification, PatientProfile
from tracker.selectors.trends import (
    clinic_thresholds,
    patient_windows,
    thresholds_from_overrides,
)
from tracker.services.audit import audit_record
from tracker.services.notifications import notifications_owe
from tracker.services.scheduling import EVALUATION_LOCAL_TIME, next_local_occurrence

EVALUATION_BATCH = 200
# A high flag that opens or escalates is emailed to the patient's therapist at once.
ALERTING = {"open", "escalated"}

# What each change is called in the audit trail, where the evaluation is the actor.
AUDITED_CHANGES = {
    "open": "flag.opened",
    "escalated": "flag.escalated",
    "resolved": "flag.auto_resolved",
}


@dataclass(frozen=True)
class FlagChange:
    """One thing that happened to a flag, as `evaluate_trends --json` prints it."""

    patient_email: str
    flag_id: int
    event_id: int
    kind: str
    severity: str
    status: str  # "open", "escalated" or "resolved"
    opened_on: date
    summary: str

    def as_json(self) -> dict[str, str]:
        return {
            "patient": self.patient_email,
            "kind": self.kind,
            "severity": self.severity,
            "status": self.status,
            "opened_on": self.opened_on.isoformat(),
            "summary": self.summary,
        }


class OpenFlagRow(NamedTuple):
    """What the evaluation reads of an open flag: enough to tell whether today's finding
    changes it. The few flags that do change are loaded as models for the write."""

    pk: int
    summary: str
    evidence: dict[str, Any]
    last_evaluated_on: date | None


FlagState = tuple[
    dict[trends.FlagKind, trends.OpenFlag],
    dict[trends.FlagKind, trends.ResolvedFlag],
    dict[str, OpenFlagRow],
]


def _open_flags(ids: Iterable[int]) -> QuerySet[Any]:
    return (
        Flag.objects.filter(patient_id__in=ids)
        .exclude(status="resolved")
        .order_by()
        .values_list(
            "pk",
            "patient_id",
            "kind",
            "severity",
            "opened_on",
            "summary",
            "evidence",
            "last_evaluated_on",
        )
    )


def _resolved_flags(ids: Iterable[int]) -> QuerySet[Any]:
    return (
        Flag.objects.filter(patient_id__in=ids, status="resolved")
        .order_by("resolved_on", "id")
        .values_list("kind", "severity", "resolved_on", "patient_id")
    )


def _states(as_of: dict[int, date]) -> dict[int, FlagState]:
    """Each patient's open flags and latest resolved flag per kind, in two queries."""
    states: dict[int, FlagState] = {pid: ({}, {}, {}) for pid in as_of}
    for pk, pid, kind, severity, opened_on, summary, evidence, evaluated_on in _open_flags(
        list(as_of)
    ):
        open_flags, _resolved, rows = states[pid]
        rows[kind] = OpenFlagRow(pk, summary, evidence, evaluated_on)
        open_flags[trends.FlagKind(kind)] = trends.OpenFlag(trends.Severity(severity), opened_on)
    for kind, severity, resolved_on, pid in _resolved_flags(list(as_of)):
        if resolved_on is not None and resolved_on <= as_of[pid]:
            states[pid][1][trends.FlagKind(kind)] = trends.ResolvedFlag(
                trends.Severity(severity), resolved_on
            )
    return states


def _flags_to_change(
    changes: Iterable[tuple[list[trends.FlagAction], dict[str, OpenFlagRow]]],
) -> list[dict[str, Flag]]:
    """For each patient's actions, the open flags they change, as models, in one query."""
    wanted = [
        {a.kind.value: rows[a.kind.value].pk for a in actions if a.kind.value in rows}
        for actions, rows in changes
    ]
    models = Flag.objects.in_bulk([pk for kinds in wanted for pk in kinds.values()])
    # A flag gone since it was read (its patient's data erased) has nothing left to change.
    return [{kind: models[pk] for kind, pk in kinds.items() if pk in models} for kinds in wanted]


def flags_apply(
    *, patient: PatientProfile, as_of: date, findings: list[trends.Finding],
    thresholds: trends.Thresholds, state: FlagState | None = None,
) -> list[FlagChange]:  # fmt: skip
    """Bring the patient's flags in line with the findings for local day ``as_of``.

    ``state`` is the patient's flags as a batch read them (see ``_states``); a patient with
    nothing to write costs no transaction, which keeps workers from queueing on SQLite's lock.
    """
    state = state or _states({patient.pk: as_of})[patient.pk]
    actions = _actions(state, findings, as_of, thresholds)
    if not actions:
        return []
    (flags,) = _flags_to_change([(actions, state[2])])
    with transaction.atomic():
        return _write(patient, as_of, actions, flags)


def _actions(
    state: FlagState, findings: list[trends.Finding], as_of: date, thresholds: trends.Thresholds
) -> list[trends.FlagAction]:
    open_flags, resolved, rows = state
    return [
        a
        for a in trends.reconcile(open_flags, resolved, findings, as_of, thresholds)
        if a.action != trends.FlagActionKind.SUPPRESS and not _unchanged(a, rows, as_of)
    ]


def _unchanged(action: trends.FlagAction, rows: dict[str, OpenFlagRow], as_of: date) -> bool:
    """An open flag evaluated again on the same day with the same numbers: nothing to write."""
    if action.action != trends.FlagActionKind.UPDATE or action.finding is None:
        return False
    flag = rows.get(action.kind.value)
    return flag is not None and (flag.summary, flag.evidence, flag.last_evaluated_on) == (
        action.finding.summary[:500],
        action.finding.evidence,
        as_of,
    )


# The fields the nightly refresh of an open flag rewrites (nothing a therapist sets).
REFRESHED_FIELDS = ["summary", "evidence", "last_evaluated_on"]


def _write(
    patient: PatientProfile,
    as_of: date,
    actions: list[trends.FlagAction],
    rows: dict[str, Flag],
    refreshed: list[Flag] | None = None,
) -> list[FlagChange]:
    """Store the actions; open flags merely refreshed go to ``refreshed`` when given, for
    the caller to write together."""
    changes: list[FlagChange] = []
    for action in actions:
        kind = action.kind.value
        finding = action.finding
        if action.action != trends.FlagActionKind.OPEN and kind not in rows:
            continue  # the flag is gone (see _flags_to_change)
        if action.action == trends.FlagActionKind.OPEN and finding is not None:
            try:
                with transaction.atomic():
                    flag = Flag.objects.create(
                        clinic_id=patient.clinic_id,
                        patient=patient,
                        kind=kind,
                        severity=finding.severity.value,
                        summary=finding.summary[:500],
                        evidence=finding.evidence,
                        opened_on=as_of,
                        last_evaluated_on=as_of,
                    )
            except IntegrityError:
                # A concurrent evaluation opened it first; theirs stands.
                continue
            changes.append(_event(patient, flag, FlagEvent.Action.OPENED, "open", as_of))
        elif action.action == trends.FlagActionKind.ESCALATE and finding is not None:
            flag = rows[kind]
            flag.severity = finding.severity.value
            flag.summary = finding.summary[:500]
            flag.evidence = finding.evidence
            flag.last_evaluated_on = as_of
            flag.escalated_at = timezone.now()
            # Only the evaluation's own fields: a therapist may have acknowledged it meanwhile.
            flag.save(
                update_fields=[
                    "severity",
                    "summary",
                    "evidence",
                    "last_evaluated_on",
                    "escalated_at",
                ]
            )
            changes.append(_event(patient, flag, FlagEvent.Action.ESCALATED, "escalated", as_of))
        elif action.action == trends.FlagActionKind.UPDATE and finding is not None:
            flag = rows[kind]
            flag.summary = finding.summary[:500]
            flag.evidence = finding.evidence
            flag.last_evaluated_on = as_of
            if refreshed is not None:
                refreshed.append(flag)
            else:
                flag.save(update_fields=REFRESHED_FIELDS)
        elif action.action == trends.FlagActionKind.RESOLVE:
            flag = rows[kind]
            flag.status = Flag.Status.RESOLVED
            flag.resolution = Flag.Resolution.CLEARED
            flag.resolved_on = as_of
            flag.resolved_at = timezone.now()
            flag.last_evaluated_on = as_of
            flag.save(
                update_fields=[
                    "status",
                    "resolution",
                    "resolved_on",
                    "resolved_at",
                    "last_evaluated_on",
                ]
            )
            changes.append(_event(patient, flag, FlagEvent.Action.CLEARED, "resolved", as_of))
    return changes


def _event(
    patient: PatientProfile, flag: Flag, action: str, status: str, as_of: date
) -> FlagChange:
    event = FlagEvent.objects.create(
        flag=flag, action=action, severity=flag.severity, summary=flag.summary, on_date=as_of
    )
    # One row per change; changes are rare, so the nightly batch stays a few queries. The
    # daily refresh of an open flag's numbers (UPDATE) changes no status or severity and
    # would bury the log, so it is not audited.
    audit_record(
        action=AUDITED_CHANGES[status],
        patient=patient,
        target=flag,
        detail={"kind": flag.kind, "severity": flag.severity, "on": as_of.isoformat()},
    )
    return FlagChange(
        patient_email=patient.user.email,
        flag_id=flag.pk,
        event_id=event.pk,
        kind=flag.kind,
        severity=flag.severity,
        status=status,
        opened_on=flag.opened_on,
        summary=flag.summary,
    )


def flag_alert_key(event_id: int) -> str:
    return f"flag-alert:{event_id}"


def flag_alert_event_id(key: str) -> int:
    """The flag event an alert row is about, read back from its key (see flag_alert_key)."""
    return int(key.removeprefix("flag-alert:"))


def alert_wanted(change: FlagChange) -> bool:
    return change.status in ALERTING and change.severity == "high"


def _alert_rows(patient: PatientProfile, changes: list[FlagChange]) -> list[Notification]:
    """The therapist's alert emails these changes owe, unsaved, for the evaluation's
    transaction: the flag and the record that its alert is still to send commit together."""
    return [
        Notification(
            idempotency_key=flag_alert_key(change.event_id),
            clinic_id=patient.clinic_id,
            recipient_id=patient.therapist_id,
            patient=patient,
            kind=Notification.Kind.FLAG_ALERT,
            channel=Notification.Channel.EMAIL,
            subject=str(FlagKind(change.kind).label)[:200],
            local_date=change.opened_on,
        )
        for change in changes
        if alert_wanted(change)
    ]


def _patients_to_evaluate(ids: Iterable[int]) -> QuerySet[Any]:
    return (
        PatientProfile.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "clinic_id",
            "user__timezone",
            "clinic__flag_thresholds",
            "clinic__traffic_red_from",
        )
    )


def trends_evaluate_patients(
    *, patient_ids: Iterable[int], as_of: date | None = None, owe_alerts: bool = False
) -> list[FlagChange]:
    """Evaluate a batch: each patient as of ``as_of``, or their own last day to judge.

    With ``owe_alerts`` (the worker's evaluations) the therapist alerts the changes call for
    are written as owed notifications in the same transaction as the flags.

    Without ``as_of`` a patient who logged today is judged on today (a spike shows at
    once) with adherence through yesterday, since today's exercises may still come; anyone
    else is judged on yesterday, the last complete local day.
    """
    # Plain values for everyone; only the few patients whose flags change are loaded as
    # models, for the writes (building 2,000 deferred model trios was a tenth of the job).
    rows = list(_patients_to_evaluate(list(patient_ids)))
    if not rows:
        return []
    # Each clinic's overrides are decoded once, not once for each of its patients.
    thresholds: dict[int, trends.Thresholds] = {}
    for _pid, clinic_id, _zone, overrides, red_from in rows:
        if clinic_id not in thresholds:
            thresholds[clinic_id] = thresholds_from_overrides(overrides, red_from=red_from)
    clinic_of = {pid: clinic_id for pid, clinic_id, *_settings in rows}
    widest = max(t.lookback_days for t in thresholds.values())
    days: dict[int, date] = {}
    adherence_until: dict[int, date] = {}
    if as_of is None:
        local_today = {
            zone: timezone.localdate(timezone=ZoneInfo(zone)) for zone in {r[2] for r in rows}
        }
        todays = {pid: local_today[zone] for pid, _clinic, zone, *_settings in rows}
        adherence_until = {pid: today - timedelta(days=1) for pid, today in todays.items()}
        # Through everyone's today, and back from the earliest yesterday any of them is judged
        # on: the window itself then says who logged today.
        windows = patient_windows(
            todays.keys(),
            start=min(todays.values()) - timedelta(days=widest),
            end=max(todays.values()),
            adherence_until=adherence_until,
        )
        for pid, today in todays.items():
            window = windows[pid]
            logged = (
                today in trends.CheckinColumns.of(window.checkins).dates
                or today in trends.SessionColumns.of(window.sessions).dates
            )
            days[pid] = today if logged else today - timedelta(days=1)
    else:
        days = {pid: as_of for pid in clinic_of}
        windows = patient_windows(days.keys(), start=as_of - timedelta(days=widest - 1), end=as_of)

    changes: list[FlagChange] = []
    states = _states(days)
    to_write = []
    for pid, day in days.items():
        t = thresholds[clinic_of[pid]]
        findings = trends.evaluate(windows[pid].until(day), t)
        actions = _actions(states[pid], findings, day, t)
        if actions:
            to_write.append((pid, day, actions, states[pid][2]))
    if not to_write:
        return changes
    # One transaction for the batch, and the nightly refresh of open flags in one statement:
    # a transaction (a disk sync on SQLite) per patient was most of the job's time.
    patients = PatientProfile.objects.select_related("user", "clinic").in_bulk(
        [pid for pid, *_ in to_write]
    )
    flags = _flags_to_change((actions, rows) for _pid, _day, actions, rows in to_write)
    refreshed: list[Flag] = []
    alerts: list[Notification] = []
    with transaction.atomic():
        for (pid, day, actions, _rows), flags_of_patient in zip(to_write, flags, strict=True):
            written = _write(patients[pid], day, actions, flags_of_patient, refreshed)
            if owe_alerts:
                alerts += _alert_rows(patients[pid], written)
            changes += written
        Flag.objects.bulk_update(refreshed, REFRESHED_FIELDS, batch_size=EVALUATION_BATCH)
        notifications_owe(alerts)
    return changes


def trends_replay(
    *, patient_ids: Iterable[int], first_day: date, last_day: date
) -> list[FlagChange]:
    """Evaluate day by day as the nightly job would have, from one read of the history."""
    patients = list(
        PatientProfile.objects.select_related("user", "clinic").filter(pk__in=list(patient_ids))
    )
    changes: list[FlagChange] = []
    for offset in range(0, len(patients), EVALUATION_BATCH):
        batch = patients[offset : offset + EVALUATION_BATCH]
        widest = max(clinic_thresholds(p.clinic).lookback_days for p in batch)
        windows = patient_windows(
            [p.pk for p in batch],
            start=first_day - timedelta(days=widest - 1),
            end=last_day,
        )
        for patient in batch:
            t = clinic_thresholds(patient.clinic)
            day = first_day
            while day <= last_day:
                window = windows[patient.pk].until(day)
                changes += flags_apply(
                    patient=patient, as_of=day, findings=trends.evaluate(window, t), thresholds=t
                )
                day += timedelta(days=1)
    return changes


def evaluations_claim_due(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Advance every due patient's next evaluation and return who is due.

    Locked rows are skipped (PostgreSQL) or writers are serialised (SQLite), so two
    dispatchers never both take a patient.
    """
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            PatientProfile.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(Q(next_evaluation_at__lte=now) | Q(next_evaluation_at__isnull=True))
            .filter(user__is_active=True)
            .order_by(F("next_evaluation_at").asc(nulls_first=True))[:limit]
        )
        groups: dict[datetime, list[int]] = {}
        for patient in rows:
            following = next_local_occurrence(EVALUATION_LOCAL_TIME, patient.tzinfo, after=now)
            groups.setdefault(following, []).append(patient.pk)
        for following, ids in groups.items():
            PatientProfile.objects.filter(pk__in=ids).update(next_evaluation_at=following)
    return [p.pk for p in rows]


def evaluation_request(*, patient: PatientProfile) -> None:
    """Mark a patient due for evaluation now (after they log something).

    Stored in the database first, so that if the broker is down the evaluation still happens
    when the dispatcher next runs; the on-commit task usually gets there first.
    """
    PatientProfile.objects.filter(pk=patient.pk).update(next_evaluation_at=timezone.now())


def evaluations_release(*, patient_ids: Iterable[int]) -> int:
    """An evaluation that failed is due again now, for the next try or the next dispatcher,
    instead of waiting for the nightly pass its claim moved it to."""
    now = timezone.now()
    return PatientProfile.objects.filter(
        pk__in=list(patient_ids), next_evaluation_at__gt=now
    ).update(next_evaluation_at=now)


def evaluation_claim_one(*, patient_id: int) -> bool:
    """Take a single patient's due evaluation; False if a dispatcher already took it."""
    patient = PatientProfile.objects.select_related("user").filter(pk=patient_id).first()
    if patient is None:
        return False
    now = timezone.now()
    following = next_local_occurrence(EVALUATION_LOCAL_TIME, patient.tzinfo, after=now)
    return bool(
        PatientProfile.objects.filter(pk=patient_id, next_evaluation_at__lte=now).update(
            next_evaluation_at=following
        )
    )
