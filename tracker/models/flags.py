"""Flags: worsening signals for the therapist, with their evidence and history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import Clinic, PatientProfile, User


class FlagKind(models.TextChoices):
    PAIN_RISING = "pain_rising", _("Pain rising")
    PAIN_SPIKE = "pain_spike", _("Pain spike")
    NOT_SETTLING = "not_settling", _("Pain not settling after sessions")
    SLEEP_WORSENING = "sleep_worsening", _("Sleep worsening")
    STRESS_RISING = "stress_rising", _("Stress rising")
    ADHERENCE_DROP = "adherence_drop", _("Adherence drop")
    GONE_QUIET = "gone_quiet", _("Gone quiet")
    RED_LIGHT = "red_light", _("Red light after a session")
    FUNCTION_WORSENING = "function_worsening", _("Function worsening")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class FlagResolution(models.TextChoices):
    NONE = "", _("—")
    CLEARED = "cleared", _("Cleared (condition no longer holds)")
    BY_THERAPIST = "by_therapist", _("Resolved by a therapist")


class Flag(models.Model):
    Status = FlagStatus
    Resolution = FlagResolution

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.CharField(
        _("resolution"), max_length=14, choices=Resolution.choices, default="", blank=True
    )
    summary = models.CharField(_("summary"), max_length=500)
    evidence = models.JSONField(_("evidence"), default=dict)
    opened_on = models.DateField(_("opened on"))  # the patient's local date
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    last_evaluated_on = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            # Later evaluations update the open flag; they never pile up duplicates.
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=~models.Q(status="resolved"),
                name="flag_one_open_per_patient_and_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=FlagKind.values), name="flag_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values), name="flag_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FlagStatus.values), name="flag_status_valid"
            ),
            models.CheckConstraint(
                condition=(models.Q(status="resolved") & ~models.Q(resolution=""))
                | (~models.Q(status="resolved") & models.Q(resolution="")),
                name="flag_resolution_iff_resolved",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "status", "severity"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.severity}) — {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK[Severity(self.severity)]


class FlagAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    UPDATED = "updated", _("Evidence updated")
    ESCALATED = "escalated", _("Escalated")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    CLEARED = "cleared", _("Cleared")


class FlagEvent(models.Model):
    """Who did what to a flag, and when: the flag's history on the patient record."""

    Action = FlagAction

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=14, choices=Action.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    summary = models.CharField(max_length=500, blank=True)
    on_date = models.DateField()  # the patient's local date of the evaluation or action
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=FlagAction.values), name="flag_event_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flag_id} {self.action} on {self.on_date}"
