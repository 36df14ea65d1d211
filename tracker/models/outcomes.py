"""Outcome measures: questionnaire versions, the measures a program schedules, the
patient's answers with their scores, and the goals a therapist sets from them.
"""

from __future__ import annotations

import uuid
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.outcomes.definition import MOST_ACTIVITIES, Definition, parse_definition

from .base import RATING_MAX, RATING_MIN, TimeStamped
from .people import Clinic, PatientProfile, User
from .programs import Program

DEFAULT_EVERY_DAYS = 14
MOST_EVERY_DAYS = 365


class Questionnaire(models.Model):
    """One version of a questionnaire's definition. A changed definition is a new version;
    a response keeps the version it was answered on, so its scores can always be re-read."""

    slug = models.SlugField(_("slug"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=120)
    definition = models.JSONField(_("definition"))
    # The definition's canonical JSON, hashed: loading the same file again changes nothing.
    fingerprint = models.CharField(max_length=64)
    # Items without their wording (a licensed instrument before the clinic loads its copy)
    # cannot be scheduled.
    needs_wording = models.BooleanField(_("needs its wording loaded"), default=False)
    built_in = models.BooleanField(_("ships with Rehabit"), default=False)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="questionnaire_slug_version"),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="questionnaire_version_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @cached_property
    def spec(self) -> Definition:
        return parse_definition(self.definition, f"{self.slug} v{self.version}")


class ProgramMeasure(TimeStamped):
    """A questionnaire a program asks for: at its start, every N days, and at discharge
    (the program's phase end date)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="measures")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="program_measures"
    )
    at_start = models.BooleanField(_("at the start"), default=True)
    every_days = models.PositiveSmallIntegerField(
        _("then every (days)"), null=True, blank=True, default=DEFAULT_EVERY_DAYS
    )
    at_discharge = models.BooleanField(_("at discharge"), default=True)
    # Patient-specific scales: how many activities the patient is asked to name.
    activities = models.PositiveSmallIntegerField(_("activities to name"), default=3)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "questionnaire"], name="program_measure_once"
            ),
            models.CheckConstraint(
                condition=models.Q(every_days__isnull=True)
                | models.Q(every_days__gte=1, every_days__lte=MOST_EVERY_DAYS),
                name="program_measure_every_1_365",
            ),
            models.CheckConstraint(
                condition=models.Q(activities__gte=1, activities__lte=MOST_ACTIVITIES),
                name="program_measure_activities_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(at_start=True)
                | models.Q(every_days__isnull=False)
                | models.Q(at_discharge=True),
                name="program_measure_some_occasion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.title} in {self.program}"


class ResponseOccasion(models.TextChoices):
    START = "start", _("At the start")
    REPEAT = "repeat", _("Follow-up")
    DISCHARGE = "discharge", _("At discharge")


class QuestionnaireResponse(TimeStamped):
    Occasion = ResponseOccasion

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        PatientProfile, on_delete=models.CASCADE, related_name="questionnaire_responses"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    # The questionnaire's slug, whatever its version: an occasion is answered once even if
    # a new version is loaded in between.
    questionnaire_slug = models.SlugField(max_length=50, editable=False)
    measure = models.ForeignKey(
        ProgramMeasure, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    # Made on the phone before the first send: a retried or replayed submit finds this row.
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4)
    local_date = models.DateField(_("answered on"))
    due_on = models.DateField(_("due on"))
    occasion = models.CharField(_("occasion"), max_length=10, choices=Occasion.choices)
    answers = models.JSONField(_("answers"), default=dict)
    # A patient-specific scale's activities, in the patient's words (key → name).
    activities = models.JSONField(_("activities"), default=dict, blank=True)
    scores = models.JSONField(_("scores"), default=dict)
    imputed = models.JSONField(_("imputed items"), default=list, blank=True)
    # The questionnaire's primary score, kept apart for the caseload and the trend rules.
    primary_score = models.FloatField(_("score"), null=True, blank=True)

    class Meta:
        ordering = ["local_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="response_client_id_unique"),
            # An occasion is answered once; a second phone's answer is refused.
            models.UniqueConstraint(
                fields=["patient", "questionnaire_slug", "due_on"],
                name="response_once_per_occasion",
            ),
            models.CheckConstraint(
                condition=models.Q(occasion__in=ResponseOccasion.values),
                name="response_occasion_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(local_date__gte=models.F("due_on")),
                name="response_not_before_due",
            ),
        ]
        indexes = [models.Index(fields=["patient", "local_date"], name="response_patient_day")]

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.patient} {self.local_date}"


class Goal(TimeStamped):
    """A target for one of the patient's own activities, e.g. "climb stairs: 3 → 7 by 15 Jan"."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="goals")
    set_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    questionnaire_slug = models.SlugField(max_length=50, default="psfs")
    activity_key = models.CharField(max_length=4)
    activity = models.CharField(_("activity"), max_length=120)
    baseline = models.PositiveSmallIntegerField(_("baseline"))
    target = models.PositiveSmallIntegerField(_("target"))
    target_date = models.DateField(_("by"))

    class Meta:
        ordering = ["target_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "questionnaire_slug", "activity_key"],
                name="goal_one_per_activity",
            ),
            models.CheckConstraint(
                condition=models.Q(baseline__gte=RATING_MIN, baseline__lte=RATING_MAX),
                name="goal_baseline_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(target__gte=RATING_MIN, target__lte=RATING_MAX),
                name="goal_target_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(target__gt=models.F("baseline")),
                name="goal_target_above_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.baseline} → {self.target} by {self.target_date}"
