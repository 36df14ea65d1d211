"""Programs and the exercises prescribed in them, versioned so history is never rewritten."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped
from .library import Dosage, Exercise, ProgramTemplate, dosage_constraints, weekday_constraint
from .people import Clinic, PatientProfile, User


class ProgramStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")


class Program(TimeStamped):
    Status = ProgramStatus

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="programs")
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="programs")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="programs_written")
    template = models.ForeignKey(
        ProgramTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"))
    phase_end_date = models.DateField(_("phase end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProgramStatus.values), name="program_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(phase_end_date__isnull=True)
                | models.Q(phase_end_date__gte=models.F("start_date")),
                name="program_phase_end_after_start",
            ),
            # Today's plan comes from one program: a patient has at most one active at a time.
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="active"),
                name="program_one_active_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_in_force_on(self, day: date) -> bool:
        if day < self.start_date:
            return False
        return self.phase_end_date is None or day <= self.phase_end_date


class PrescribedExercise(Dosage):
    """One version of one exercise's dosage in a program.

    Editing a dosage closes the version in force (valid_to) and opens a new one that shares
    its ``line``: logs point at the version they were done against, and adherence for a past
    day uses the version that was in force that day.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="prescriptions")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    line = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    notes = models.CharField(_("therapist notes"), max_length=500, blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until (exclusive)"), null=True, blank=True)

    class Meta:
        ordering = ["program", "order", "id"]
        constraints = [
            *dosage_constraints("prescribed"),
            weekday_constraint("prescribed"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="prescribed_valid_range",
            ),
            models.UniqueConstraint(
                fields=["line"],
                condition=models.Q(valid_to__isnull=True),
                name="prescribed_one_current_version",
            ),
        ]
        indexes = [models.Index(fields=["program", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.exercise} — {self.dosage_text()}"

    def is_in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def target_snapshot(self) -> dict[str, object]:
        """The dosage as prescribed right now, to be copied onto a log."""
        return {
            "target_sets": self.sets,
            "target_reps": self.reps,
            "target_hold_seconds": self.hold_seconds,
            "target_times_per_day": self.times_per_day,
            "target_side": self.side,
        }
