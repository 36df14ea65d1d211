"""The exercise library, program templates and the dosage rules they share."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped
from .people import Clinic

MAX_TIMES_PER_DAY = 6
ALL_WEEKDAYS = 0b1111111  # bit 0 = Monday … bit 6 = Sunday


class Side(models.TextChoices):
    BOTH = "both", _("Both sides")
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    # Both legs work together or in turn (a bridge, walking): there is no side to name.
    NONE = "none", _("No side")


def dosage_constraints(model_name: str, prefix: str = "") -> list[models.CheckConstraint]:
    """Database rules every dosage obeys: positive counts, reps *or* a timed hold."""
    f = prefix
    reps, hold = f"{f}reps", f"{f}hold_seconds"
    return [
        models.CheckConstraint(
            condition=(
                models.Q(**{f"{reps}__isnull": False}) & models.Q(**{f"{hold}__isnull": True})
            )
            | (models.Q(**{f"{reps}__isnull": True}) & models.Q(**{f"{hold}__isnull": False})),
            name=f"{model_name}_reps_xor_hold",
        ),
        models.CheckConstraint(
            condition=models.Q(**{f"{reps}__isnull": True}) | models.Q(**{f"{reps}__gte": 1}),
            name=f"{model_name}_reps_positive",
        ),
        models.CheckConstraint(
            condition=models.Q(**{f"{hold}__isnull": True}) | models.Q(**{f"{hold}__gte": 1}),
            name=f"{model_name}_hold_positive",
        ),
        models.CheckConstraint(
            condition=models.Q(**{f"{f}sets__gte": 1, f"{f}sets__lte": 20}),
            name=f"{model_name}_sets_1_20",
        ),
        models.CheckConstraint(
            condition=models.Q(
                **{f"{f}times_per_day__gte": 1, f"{f}times_per_day__lte": MAX_TIMES_PER_DAY}
            ),
            name=f"{model_name}_times_per_day_range",
        ),
        models.CheckConstraint(
            condition=models.Q(**{f"{f}days_per_week__gte": 1, f"{f}days_per_week__lte": 7}),
            name=f"{model_name}_days_per_week_1_7",
        ),
        models.CheckConstraint(
            condition=models.Q(**{f"{f}side__in": Side.values}), name=f"{model_name}_side_valid"
        ),
    ]


class Dosage(models.Model):
    """A prescribed amount of one exercise. Timed holds are first-class: reps XOR hold."""

    sets = models.PositiveSmallIntegerField(
        _("sets"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    reps = models.PositiveSmallIntegerField(
        _("reps"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    hold_seconds = models.PositiveSmallIntegerField(
        _("hold (seconds)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    times_per_day = models.PositiveSmallIntegerField(
        _("times a day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES_PER_DAY)],
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("days a week"), default=7, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    # Chosen weekdays as a bit mask (Monday = bit 0); 0 means "any days, N a week".
    weekdays = models.PositiveSmallIntegerField(
        _("weekdays"), default=0, validators=[MaxValueValidator(ALL_WEEKDAYS)]
    )
    side = models.CharField(_("side"), max_length=8, choices=Side.choices, default=Side.BOTH)

    class Meta:
        abstract = True

    @property
    def is_timed(self) -> bool:
        return self.hold_seconds is not None

    def dosage_text(self) -> str:
        amount = f"{self.hold_seconds} s hold" if self.is_timed else f"{self.reps} reps"
        return f"{self.sets} × {amount}"

    def is_scheduled_on(self, weekday: int) -> bool:
        """Is this exercise due on a weekday (0 = Monday)? Flexible days count every day."""
        if self.weekdays:
            return bool(self.weekdays & (1 << weekday))
        return True


def weekday_constraint(model_name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(weekdays__gte=0, weekdays__lte=ALL_WEEKDAYS),
        name=f"{model_name}_weekdays_mask",
    )


class ExerciseCategory(models.TextChoices):
    NEURAL_GLIDE = "neural_glide", _("Neural glide")
    MOBILITY = "mobility", _("Mobility")
    STRENGTH = "strength", _("Strength")
    MOTOR_CONTROL = "motor_control", _("Motor control / balance")
    GAIT = "gait", _("Gait & movement retraining")


class BodyRegion(models.TextChoices):
    KNEE = "knee", _("Knee")
    HIP = "hip", _("Hip")
    ANKLE_FOOT = "ankle_foot", _("Ankle & foot")
    LOWER_BACK = "lower_back", _("Lower back")
    THIGH = "thigh", _("Thigh")
    WHOLE_BODY = "whole_body", _("Whole body")


class Exercise(TimeStamped):
    Category = ExerciseCategory

    BodyRegion = BodyRegion

    # Null clinic = the global library that ships with the app.
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="exercises"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    body_region = models.CharField(_("body region"), max_length=20, choices=BodyRegion.choices)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    steps = models.JSONField(_("steps"), default=list)
    cues = models.JSONField(_("cues"), default=list, blank=True)
    cautions = models.JSONField(_("cautions"), default=list, blank=True)
    default_sets = models.PositiveSmallIntegerField(_("sets"), default=2)
    default_reps = models.PositiveSmallIntegerField(_("reps"), null=True, blank=True)
    default_hold_seconds = models.PositiveSmallIntegerField(
        _("hold (seconds)"), null=True, blank=True
    )
    default_times_per_day = models.PositiveSmallIntegerField(_("times a day"), default=1)
    default_days_per_week = models.PositiveSmallIntegerField(_("days a week"), default=7)
    # Done one side at a time ("change legs"); the default side follows: each side, or none.
    sided = models.BooleanField(_("one side at a time"), default=True)
    default_side = models.CharField(
        _("side"), max_length=8, choices=Side.choices, default=Side.BOTH
    )
    dosage_note = models.CharField(_("dosage range"), max_length=200, blank=True)
    image_url = models.URLField(_("image URL"), blank=True)
    # The clinic's own picture Today's card shows (the first with a thumbnail), kept by the
    # media service so Today reads it with the exercise, in the same query.
    cover = models.ForeignKey(
        "tracker.ExerciseMedia",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    video_url = models.URLField(_("video URL"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # A nullable clinic would defeat a plain (clinic, slug) unique constraint, so the
            # global library and each clinic's own exercises get one each.
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(clinic__isnull=True),
                name="exercise_global_slug_unique",
            ),
            models.UniqueConstraint(
                fields=["clinic", "slug"],
                condition=models.Q(clinic__isnull=False),
                name="exercise_clinic_slug_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=ExerciseCategory.values),
                name="exercise_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(body_region__in=BodyRegion.values),
                name="exercise_body_region_valid",
            ),
            *dosage_constraints("exercise", prefix="default_"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_timed(self) -> bool:
        return self.default_hold_seconds is not None

    def default_dosage(self) -> dict[str, object]:
        return {
            "sets": self.default_sets,
            "reps": self.default_reps,
            "hold_seconds": self.default_hold_seconds,
            "times_per_day": self.default_times_per_day,
            "days_per_week": self.default_days_per_week,
            "side": self.default_side,
        }


class ProgramTemplate(TimeStamped):
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="templates"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=120)
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(clinic__isnull=True),
                name="template_global_slug_unique",
            ),
            models.UniqueConstraint(
                fields=["clinic", "slug"],
                condition=models.Q(clinic__isnull=False),
                name="template_clinic_slug_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgramTemplateItem(Dosage):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="template_item_order"),
            *dosage_constraints("template_item"),
            weekday_constraint("template_item"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id}#{self.order} {self.exercise_id}"
