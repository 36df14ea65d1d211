"""Clinics, users and patient profiles: the tenant boundary and who is who."""

from __future__ import annotations

import json
import math
import zoneinfo
from datetime import date, time

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.colour import MIN_CONTRAST, accent_contrast, normalise_hex
from tracker.trends.thresholds import BadOverride, OverrideProblem, decode_overrides

from .base import TimeStamped


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


_FLAG_THRESHOLD_PROBLEMS = {
    OverrideProblem.NOT_AN_OBJECT: _(
        'Flag thresholds must be names with numbers, such as {"pain_rise_points": 2}; '
        "%(value)s is not."
    ),
    OverrideProblem.UNKNOWN: _("Flag threshold “%(key)s” = %(value)s is not a known threshold."),
    OverrideProblem.NOT_A_NUMBER: _("Flag threshold “%(key)s” = %(value)s is not a number."),
    OverrideProblem.NOT_WHOLE: _("Flag threshold “%(key)s” = %(value)s is not a whole number."),
    OverrideProblem.NOT_ON_OFF: _("Flag threshold “%(key)s” = %(value)s must be true or false."),
    OverrideProblem.TOO_LOW: _(
        "Flag threshold “%(key)s” = %(value)s is below %(low)s, the lowest it may be."
    ),
    OverrideProblem.TOO_HIGH: _(
        "Flag threshold “%(key)s” = %(value)s is above %(high)s, the highest it may be."
    ),
}


def _shown(value: object) -> str:
    """A threshold as it reads in the clinic's JSON: "abc", 2.5, true; 2.0 as 2."""
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    return Truncator(json.dumps(value, default=str)).chars(40)


def flag_threshold_problem(bad: BadOverride) -> str:
    """What is wrong with one flag-threshold override, naming its key and value."""
    allowed = bad.allowed
    return _FLAG_THRESHOLD_PROBLEMS[bad.problem] % {
        "key": bad.key,
        "value": _shown(bad.value),
        "low": _shown(allowed.low) if allowed else "",
        "high": _shown(allowed.high) if allowed else "",
    }


def _ignored_notice(bad: BadOverride) -> str:
    if bad.problem == OverrideProblem.NOT_AN_OBJECT:
        then = gettext("They are ignored; the defaults are used.")
    elif bad.default is None:
        then = gettext("It is ignored.")
    else:
        then = gettext("It is ignored; the default %(default)s is used.") % {
            "default": _shown(bad.default)
        }
    return f"{flag_threshold_problem(bad)} {then}"


def accent_colour_problem(value: str) -> ValidationError | None:
    """Why an accent colour cannot be used, or None: it must be "#rrggbb" (as stored) and
    white text on it, and it as text on the page, must reach WCAG AA contrast."""
    if value == "":
        return None
    if normalise_hex(value) != value:
        return ValidationError(
            _("Enter a colour as # and six hex digits, such as #1f6f5c."), code="format"
        )
    ratio = accent_contrast(value)
    if ratio < MIN_CONTRAST:
        return ValidationError(
            _(
                "Text on %(colour)s would be hard to read: its contrast is %(ratio)s:1 and "
                "needs to be at least %(needed)s:1. Try a darker shade."
            ),
            code="contrast",
            params={
                "colour": value,
                # Rounded down, so a colour just short of the line never reads as 4.5:1.
                "ratio": f"{math.floor(ratio * 100) / 100:.2f}",
                "needed": f"{MIN_CONTRAST:g}",
            },
        )
    return None


class Clinic(TimeStamped):
    name = models.CharField(_("name"), max_length=200, unique=True)
    # Per-clinic overrides of the trend-flag thresholds (names as in tracker.trends.Thresholds).
    flag_thresholds = models.JSONField(_("flag thresholds"), default=dict, blank=True)
    # Traffic-light cut-offs shown to patients after a session (sources differ, so settings).
    traffic_amber_from = models.PositiveSmallIntegerField(_("amber from pain"), default=3)
    traffic_red_from = models.PositiveSmallIntegerField(_("red from pain"), default=6)
    # When on, every therapist of the clinic must sign in with a second factor.
    require_two_factor = models.BooleanField(_("require two-factor sign-in"), default=False)
    # The clinic's look on patient screens, emails and the handout. The logo is a PNG the
    # app re-encoded itself (tracker.services.branding), kept in the default storage and
    # served only to the clinic's own users; the accent is "#rrggbb" or empty (the app's).
    logo = models.FileField(_("logo"), max_length=200, blank=True, editable=False)
    accent_colour = models.CharField(_("accent colour"), max_length=7, blank=True, default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accent_colour="")
                | models.Q(accent_colour__regex=r"^#[0-9a-f]{6}$"),
                name="clinic_accent_colour_hex",
            ),
            models.CheckConstraint(
                condition=models.Q(traffic_amber_from__gte=1)
                & models.Q(traffic_amber_from__lt=models.F("traffic_red_from"))
                & models.Q(traffic_red_from__lte=10),
                name="clinic_traffic_light_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[ValidationError]] = {}
        problems = decode_overrides(self.flag_thresholds).ignored
        if problems:
            errors["flag_thresholds"] = [
                ValidationError(flag_threshold_problem(bad), code=bad.problem.value)
                for bad in problems
            ]
        accent_problem = accent_colour_problem(self.accent_colour)
        if accent_problem:
            errors["accent_colour"] = [accent_problem]
        if errors:
            raise ValidationError(errors)

    @property
    def logo_version(self) -> str:
        """The stored logo's own name (a fresh one per upload), as its address carries it."""
        return self.logo.name.rsplit("/", 1)[-1].removesuffix(".png") if self.logo else ""

    @property
    def accent_digits(self) -> str:
        return self.accent_colour.removeprefix("#")

    def flag_threshold_notices(self) -> list[str]:
        """Each stored override the trend rules ignore, and what they use instead: for the
        clinic's admins, since the evaluation itself goes on with the valid ones."""
        return [_ignored_notice(bad) for bad in decode_overrides(self.flag_thresholds).ignored]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.THERAPIST)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are matched without regard to case; held accounts never sign in.
        return self.get(email__iexact=username, held=False)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        THERAPIST = "therapist", _("Therapist")

    # One account signs in with an address (see Meta); a clinic may still invite or import
    # a patient whose address signs in at another clinic: that account is *held*.
    email = models.EmailField(_("email address"), max_length=254)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    is_clinic_admin = models.BooleanField(_("clinic admin"), default=False)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=dj_timezone.now)
    # Therapists: when the next daily flag digest is due (UTC, from their local 07:00).
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # A patient invited or imported with an address that already signs in to an account at
    # another clinic. The inviting clinic sees an invited patient like any other (telling it
    # the address is taken would tell it where the person is treated); the account cannot
    # sign in, and the address is sent nothing but a note that it is already registered.
    # The next invitation sent releases it once the address is free.
    held = models.BooleanField(_("held"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            # Exactly one account signs in with an address, whatever its case; held accounts
            # do not sign in, and a clinic never has two accounts with one address.
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(held=False), name="user_email_unique_ci"
            ),
            models.UniqueConstraint(
                Lower("email"), "clinic", name="user_email_unique_ci_per_clinic"
            ),
            models.CheckConstraint(
                condition=models.Q(held=False) | models.Q(role="patient"),
                name="user_held_is_patient",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["patient", "therapist"]), name="user_role_valid"
            ),
            # Everyone clinical belongs to a clinic; only site operators may stand outside one.
            models.CheckConstraint(
                condition=models.Q(clinic__isnull=False) | models.Q(is_superuser=True),
                name="user_in_clinic_unless_operator",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_clinic_admin=True) | models.Q(role="therapist"),
                name="user_clinic_admin_is_therapist",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == self.Role.THERAPIST

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def has_two_factor(self) -> bool:
        """An authenticator app confirmed with a code (django-otp's TOTPDevice); one query."""
        return self.totpdevice_set.filter(confirmed=True).exists()


def default_reminder_time() -> time:
    return time(18, 0)


class PatientProfile(TimeStamped):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="patient_profile")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    therapist = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="caseload", verbose_name=_("therapist")
    )
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reminder_time = models.TimeField(_("reminder time"), default=default_reminder_time)
    remind_by_email = models.BooleanField(_("email reminders"), default=True)
    remind_by_push = models.BooleanField(_("push reminders"), default=True)
    # Scheduling state: the next due moment of each periodic job for this patient (UTC).
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    next_evaluation_at = models.DateTimeField(null=True, blank=True, db_index=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    invite_accepted_at = models.DateTimeField(null=True, blank=True)
    # Bumped by database triggers (migration 0005) on any change to the patient's programs,
    # their prescriptions or an exercise in them, however it is written; it arrives with
    # the signed-in user, so Today can keep the plan it read until the plan changes.
    plan_revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["user__email"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def timezone(self) -> str:
        return self.user.timezone

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return self.user.tzinfo

    def local_today(self) -> date:
        return dj_timezone.localdate(timezone=self.tzinfo)


class TherapistNote(TimeStamped):
    """A care-team note on a patient's record.

    The clinic's therapists read it on the record; the patient gets it, with its author, in
    their data download (their right of access covers notes about them), never on the phone.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="notes_log")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["-created_at"]
