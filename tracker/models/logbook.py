"""What the patient logs: sessions, exercise logs and the daily check-in."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import RATING_VALIDATORS, SLEEP_HOURS_CHOICES, TimeStamped, rating_constraint
from .library import Exercise, Side
from .people import Clinic, PatientProfile
from .programs import PrescribedExercise, Program


class Symptom(models.TextChoices):
    SHARP = "sharp", _("Sharp or shooting")
    BURNING = "burning", _("Burning")
    TINGLING = "tingling", _("Tingling")
    NUMBNESS = "numbness", _("Numbness")
    ACHING = "aching", _("Aching")
    STIFFNESS = "stiffness", _("Stiffness")


class Session(TimeStamped):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="sessions")
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    # Made on the phone before the first send: a retried or replayed submit finds this row
    # instead of creating a second one.
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4)
    local_date = models.DateField(_("date"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(
        _("pain before"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    pain_after = models.PositiveSmallIntegerField(
        _("pain after"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-local_date", "-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="session_client_id_unique"),
            rating_constraint("session", "pain_before", nullable=True),
            rating_constraint("session", "pain_after", nullable=True),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
                name="session_finished_after_start",
            ),
        ]
        indexes = [
            # The order of a day's sessions and their pain ratings ride along, so the nightly
            # evaluation reads sessions from the index alone, already in order.
            models.Index(
                fields=["patient", "local_date", "started_at", "pain_before", "pain_after"],
                name="session_pain_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.local_date}"


class LogStatus(models.TextChoices):
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class ExerciseLog(TimeStamped):
    Status = LogStatus

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="logs")
    # Patient, date and line are copied from the session and prescription so adherence is one
    # indexed aggregate, whatever the length of the history.
    patient = models.ForeignKey(
        PatientProfile, on_delete=models.CASCADE, related_name="exercise_logs"
    )
    local_date = models.DateField(_("date"))
    prescribed = models.ForeignKey(
        PrescribedExercise, on_delete=models.PROTECT, related_name="logs"
    )
    line = models.UUIDField(editable=False)
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    occurrence = models.PositiveSmallIntegerField(_("occurrence of the day"), default=1)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    skip_reason = models.CharField(_("reason for skipping"), max_length=200, blank=True)
    sets_done = models.PositiveSmallIntegerField(_("sets done"), null=True, blank=True)
    reps_done = models.PositiveSmallIntegerField(_("reps done"), null=True, blank=True)
    hold_seconds_done = models.PositiveSmallIntegerField(_("hold done (s)"), null=True, blank=True)
    pain_during = models.PositiveSmallIntegerField(
        _("pain during"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    # The dosage as prescribed when this was logged; later program edits never change it.
    target_sets = models.PositiveSmallIntegerField()
    target_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    target_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    target_times_per_day = models.PositiveSmallIntegerField()
    target_side = models.CharField(max_length=8, choices=Side.choices)

    class Meta:
        ordering = ["local_date", "occurrence", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "line", "local_date", "occurrence"],
                name="exercise_log_one_per_occurrence",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=LogStatus.values), name="exercise_log_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(occurrence__gte=1)
                & models.Q(occurrence__lte=models.F("target_times_per_day")),
                name="exercise_log_occurrence_in_range",
            ),
            rating_constraint("exercise_log", "pain_during", nullable=True),
            models.CheckConstraint(
                condition=(
                    models.Q(target_reps__isnull=False) & models.Q(target_hold_seconds__isnull=True)
                )
                | (
                    models.Q(target_reps__isnull=True) & models.Q(target_hold_seconds__isnull=False)
                ),
                name="exercise_log_target_reps_xor_hold",
            ),
        ]
        indexes = [
            # A patient's logs of a day (Today) and of a span, read without the table.
            models.Index(
                fields=["patient", "local_date", "status", "prescribed"],
                name="exerciselog_adherence_idx",
            ),
            # The adherence read (for the caseload and the nightly evaluation): each
            # prescription version's done days, in version order, so the database groups
            # them as it reads them instead of sorting them first.
            models.Index(
                fields=["prescribed", "status", "local_date"],
                name="exerciselog_version_days_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} {self.local_date} #{self.occurrence} {self.status}"

    def target_text(self) -> str:
        amount = (
            f"{self.target_hold_seconds} s hold"
            if self.target_hold_seconds is not None
            else f"{self.target_reps} reps"
        )
        return f"{self.target_sets} × {amount}"


class DailyCheckin(TimeStamped):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="checkins")
    local_date = models.DateField(_("date"))
    pain = models.PositiveSmallIntegerField(_("pain now"), validators=RATING_VALIDATORS)
    worst_pain = models.PositiveSmallIntegerField(
        _("worst pain in the last 24 hours"), validators=RATING_VALIDATORS
    )
    sleep_hours = models.DecimalField(
        _("hours of sleep"),
        max_digits=3,
        decimal_places=1,
        choices=[(value, f"{value:g}") for value in SLEEP_HOURS_CHOICES],
    )
    sleep_quality = models.PositiveSmallIntegerField(
        _("sleep quality"), validators=RATING_VALIDATORS
    )
    stress = models.PositiveSmallIntegerField(_("stress"), validators=RATING_VALIDATORS)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "local_date"], name="checkin_one_per_patient_per_day"
            ),
            rating_constraint("checkin", "pain"),
            rating_constraint("checkin", "worst_pain"),
            rating_constraint("checkin", "sleep_quality"),
            rating_constraint("checkin", "stress"),
            models.CheckConstraint(
                condition=models.Q(sleep_hours__in=SLEEP_HOURS_CHOICES),
                name="checkin_sleep_hours_half_hours_0_16",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.local_date}"
