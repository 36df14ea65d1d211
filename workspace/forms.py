"""Forms of the therapist's workspace: they validate input; services do the writing."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from tracker.colour import normalise_hex
from tracker.models import FlagKind, PatientProfile, Program, ProgramTemplate, Side, User
from tracker.models.flags import Severity
from tracker.models.library import MAX_TIMES_PER_DAY, BodyRegion, ExerciseCategory
from tracker.models.operations import AUDIT_ACTIONS
from tracker.models.outcomes import DEFAULT_EVERY_DAYS, MOST_EVERY_DAYS
from tracker.models.people import accent_colour_problem
from tracker.outcomes.definition import MOST_ACTIVITIES
from tracker.selectors.audit import AUTOMATIC, AuditFilters
from tracker.selectors.caseload import CaseloadFilters
from tracker.selectors.flags import FlagFilters
from tracker.services.branding import PreparedLogo, logo_prepare
from tracker.services.clinic_library import ExerciseValues
from tracker.services.exercise_media import MediaUpload
from tracker.services.importer import COLUMNS_BY_FILE, file_is_empty, missing_columns
from tracker.services.prescribing import DosageSpec, prescription_version
from tracker.timezones import timezone_choices

WEEKDAY_CHOICES = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]
AMOUNT_CHOICES = [("reps", _("reps")), ("hold", _("seconds hold"))]


class WorkspaceForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels sit above their fields; a trailing colon adds nothing there.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


# --- Caseload and flags ------------------------------------------------------------------


class CaseloadFilterForm(WorkspaceForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("mine", _("My patients")), ("clinic", _("Whole clinic"))],
    )
    flag = forms.ChoiceField(
        label=_("Flags"),
        required=False,
        choices=[
            ("", _("Any")),
            ("any", _("With open flags")),
            ("high", _("High")),
            ("medium", _("Medium")),
            ("low", _("Low")),
            ("none", _("No open flags")),
        ],
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Everyone")),
            ("quiet", _("Gone quiet")),
            ("invited", _("Invited, not joined")),
            ("no_program", _("No program")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("risk", _("Risk")),
            ("adherence", _("Lowest adherence")),
            ("activity", _("Longest silence")),
            ("name", _("Name")),
        ],
    )

    def filters(self) -> CaseloadFilters:
        """The filters asked for; anything invalid falls back to the default view."""
        data = self.cleaned_data if self.is_valid() else {}
        return CaseloadFilters(
            whole_clinic=data.get("scope") == "clinic",
            q=data.get("q", ""),
            flag=data.get("flag", ""),
            state=data.get("state", ""),
            sort=data.get("sort") or "risk",
        )


class FlagFilterForm(WorkspaceForm):
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("mine", _("My patients")), ("clinic", _("Whole clinic"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("Open and acknowledged")),
            ("unacknowledged", _("Not yet acknowledged")),
            ("acknowledged", _("Acknowledged")),
            ("resolved", _("Resolved")),
        ],
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Any")), *Severity.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *FlagKind.choices]
    )

    def filters(self) -> FlagFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return FlagFilters(
            whole_clinic=data.get("scope") == "clinic",
            severity=data.get("severity", ""),
            kind=data.get("kind", ""),
            status=data.get("status") or "open",
        )


class FlagActionForm(WorkspaceForm):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you did or decided, for the record."),
    )


class NoteForm(WorkspaceForm):
    text = forms.CharField(
        label=_("Care-team note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        # The patient's right of access covers notes about them: their data download holds
        # every note with its author, so the form must not promise otherwise.
        help_text=_("Visible to the patient if they request their data."),
    )


# --- Requests to delete a patient's data -------------------------------------------------


class DeletionConfirmForm(WorkspaceForm):
    """Deleting is final: the admin types the patient's email, so a slip cannot do it."""

    email = forms.CharField(
        label=_("Type the patient's email address to confirm"),
        max_length=254,
        error_messages={"required": _("Type the patient's email address to confirm.")},
    )

    def __init__(self, *args: Any, patient_email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient_email = patient_email

    def clean_email(self) -> str:
        typed: str = self.cleaned_data["email"].strip()
        if typed.lower() != self.patient_email.lower():
            raise ValidationError(
                _("That is not this patient's email address; nothing was deleted.")
            )
        return typed


class DeletionDeclineForm(WorkspaceForm):
    note = forms.CharField(
        label=_("Why the data has to be kept"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The patient reads this on their Settings page."),
        error_messages={"required": _("Tell the patient why, in a sentence or two.")},
    )


# --- Program builder ---------------------------------------------------------------------


class ProgramStartForm(WorkspaceForm):
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        queryset=ProgramTemplate.objects.none(),
        required=False,
        empty_label=_("Empty program"),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    goal = forms.CharField(label=_("Goal"), max_length=300, required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    phase_end_date = forms.DateField(label=_("Phase ends"), required=False, widget=DateInput())

    def __init__(self, *args: Any, templates: QuerySet[ProgramTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("phase_end_date")
        if start and end and end < start:
            self.add_error("phase_end_date", _("The phase can't end before the program starts."))
        template = data.get("template")
        if not data.get("title"):
            if template is None:
                self.add_error("title", _("Give the program a title, or choose a template."))
            else:
                data["title"] = template.name
        if template is not None and not data.get("goal"):
            data["goal"] = template.goal
        return data


class ProgramDetailsForm(WorkspaceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    goal = forms.CharField(label=_("Goal"), max_length=300, required=False)
    phase_end_date = forms.DateField(label=_("Phase ends"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=Program.Status.choices)


class PrescriptionVersionForm(WorkspaceForm):
    """The version of a prescription an edit was opened on, so a stale edit can be refused."""

    # Optional, and never an error: a version that is missing is the one the URL names, and
    # one that does not match is stale.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, prescription: Any) -> dict[str, Any]:
        return {"version": prescription_version(prescription)}

    def based_on(self) -> str | None:
        return self.cleaned_data.get("version") or None


class DosageForm(PrescriptionVersionForm):
    """One exercise's dosage: reps *or* a timed hold, and either N days a week or weekdays."""

    sets = forms.IntegerField(label=_("Sets"), min_value=1, max_value=20)
    amount = forms.IntegerField(label=_("Reps or seconds"), min_value=1, max_value=600)
    amount_kind = forms.ChoiceField(
        label=_("Counted in"),
        choices=AMOUNT_CHOICES,
        widget=forms.Select(attrs={"aria-label": _("Counted in")}),
    )
    times_per_day = forms.IntegerField(
        label=_("Times a day"), min_value=1, max_value=MAX_TIMES_PER_DAY
    )
    days_per_week = forms.IntegerField(
        label=_("Days a week"),
        min_value=1,
        max_value=7,
        required=False,
        help_text=_("Or choose weekdays."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    notes = forms.CharField(label=_("Notes for the patient"), max_length=500, required=False)

    @classmethod
    def initial_for(cls, prescription: Any) -> dict[str, Any]:
        mask = prescription.weekdays
        return {
            **super().initial_for(prescription),
            "sets": prescription.sets,
            "amount_kind": "hold" if prescription.hold_seconds is not None else "reps",
            "amount": prescription.hold_seconds or prescription.reps,
            "times_per_day": prescription.times_per_day,
            "days_per_week": None if mask else prescription.days_per_week,
            "weekdays": [d for d in range(7) if mask & (1 << d)],
            "side": prescription.side,
            "notes": prescription.notes,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("weekdays")
            and not data.get("days_per_week")
            and not self.errors.get("days_per_week")
        ):
            self.add_error("days_per_week", _("Say how many days a week, or choose weekdays."))
        return data

    def dosage(self) -> DosageSpec:
        data = self.cleaned_data
        mask = sum(1 << day for day in set(data["weekdays"]))
        timed = data["amount_kind"] == "hold"
        return DosageSpec(
            sets=data["sets"],
            reps=None if timed else data["amount"],
            hold_seconds=data["amount"] if timed else None,
            times_per_day=data["times_per_day"],
            # Chosen weekdays decide the count; the two can never disagree.
            days_per_week=bin(mask).count("1") if mask else data["days_per_week"],
            weekdays=mask,
            side=data["side"],
        )


class ExerciseSearchForm(WorkspaceForm):
    q = forms.CharField(label=_("Search the library"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *ExerciseCategory.choices]
    )
    body_region = forms.ChoiceField(
        label=_("Body region"), required=False, choices=[("", _("All")), *BodyRegion.choices]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ExerciseMediaForm(WorkspaceForm):
    """One picture or video for a clinic exercise; the service checks what the file holds."""

    file = forms.FileField(
        label=_("Picture or video"),
        help_text=_(
            "A JPEG, PNG or WebP picture, or a short MP4 (H.264) or WebM video of up to "
            "%(seconds)s seconds and %(mb)s MB."
        ),
        widget=forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4,video/webm"}
        ),
    )
    alt_text = forms.CharField(
        label=_("What it shows"),
        max_length=300,
        help_text=_("Read aloud to patients who use a screen reader, e.g. “Lying on the back, "
                    "lifting the hips until the body is straight.”"),
    )  # fmt: skip
    poster = forms.FileField(
        label=_("Still picture for a video (optional)"),
        required=False,
        help_text=_("Shown before the video plays and on Today's card."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    upload_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"upload_id": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "seconds": settings.REHABIT_MEDIA_VIDEO_MAX_SECONDS,
            "mb": settings.REHABIT_MEDIA_VIDEO_MAX_BYTES // (1024 * 1024),
        }

    def upload(self) -> MediaUpload:
        data = self.cleaned_data
        return MediaUpload(
            file=data["file"],
            alt_text=data["alt_text"],
            upload_id=data["upload_id"],
            poster=data.get("poster") or None,
        )


class ClinicExerciseForm(WorkspaceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=ExerciseCategory.choices)
    body_region = forms.ChoiceField(label=_("Body region"), choices=BodyRegion.choices)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    steps = forms.CharField(
        label=_("Steps"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One step per line."),
    )
    cues = forms.CharField(
        label=_("Cues"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    cautions = forms.CharField(
        label=_("Cautions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    default_sets = forms.IntegerField(label=_("Sets"), min_value=1, max_value=20, initial=2)
    amount_kind = forms.ChoiceField(
        label=_("Counted in"),
        choices=AMOUNT_CHOICES,
        # Shown beside the amount under the amount's label, so it is named for screen readers.
        widget=forms.Select(attrs={"aria-label": _("Counted in")}),
    )
    amount = forms.IntegerField(label=_("Reps or seconds"), min_value=1, max_value=600, initial=10)
    default_times_per_day = forms.IntegerField(
        label=_("Times a day"), min_value=1, max_value=MAX_TIMES_PER_DAY, initial=1
    )
    default_days_per_week = forms.IntegerField(
        label=_("Days a week"), min_value=1, max_value=7, initial=7
    )
    default_side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    @classmethod
    def initial_for(cls, exercise: Any) -> dict[str, Any]:
        return {
            "name": exercise.name,
            "category": exercise.category,
            "body_region": exercise.body_region,
            "summary": exercise.summary,
            "steps": "\n".join(exercise.steps),
            "cues": "\n".join(exercise.cues),
            "cautions": "\n".join(exercise.cautions),
            "default_sets": exercise.default_sets,
            "amount_kind": "hold" if exercise.default_hold_seconds is not None else "reps",
            "amount": exercise.default_hold_seconds or exercise.default_reps,
            "default_times_per_day": exercise.default_times_per_day,
            "default_days_per_week": exercise.default_days_per_week,
            "default_side": exercise.default_side,
            "video_url": exercise.video_url,
        }

    def clean_steps(self) -> list[str]:
        steps = _lines(self.cleaned_data["steps"])
        if not steps:
            raise ValidationError(_("Describe at least one step."))
        return steps

    def values(self) -> ExerciseValues:
        data = self.cleaned_data
        timed = data["amount_kind"] == "hold"
        return ExerciseValues(
            name=data["name"],
            category=data["category"],
            body_region=data["body_region"],
            summary=data["summary"],
            steps=data["steps"],
            cues=_lines(data["cues"]),
            cautions=_lines(data["cautions"]),
            default_sets=data["default_sets"],
            default_reps=None if timed else data["amount"],
            default_hold_seconds=data["amount"] if timed else None,
            default_times_per_day=data["default_times_per_day"],
            default_days_per_week=data["default_days_per_week"],
            default_side=data["default_side"],
            video_url=data["video_url"],
        )


# --- Invitations and import ----------------------------------------------------------------


class InviteForm(WorkspaceForm):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    condition = forms.CharField(label=_("Condition"), max_length=200, required=False)
    therapist = forms.ModelChoiceField(
        label=_("Therapist"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, therapists: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists  # type: ignore[attr-defined]
        # The therapist's own zone first: most patients live where their clinic is.
        own = self.initial.get("timezone")
        self.fields["timezone"].choices = timezone_choices(  # type: ignore[attr-defined]
            first=own, first_label=_("Same as yours")
        )

    def clean_email(self) -> str:
        # Whether the address is in use is the service's to say: only within the clinic.
        return self.cleaned_data["email"].strip().lower()


# What people upload by mistake instead of a CSV file, by the bytes it starts with.
NOT_CSV_SIGNATURES = (
    (b"PK\x03\x04", _("This is an Excel workbook or a ZIP archive, not a CSV file.")),
    (b"\xd0\xcf\x11\xe0", _("This is an Excel workbook, not a CSV file.")),
    (b"%PDF", _("This is a PDF document, not a CSV file.")),
    (b"\x89PNG", _("This is a PNG image, not a CSV file.")),
    (b"\xff\xd8\xff", _("This is a JPEG image, not a CSV file.")),
    (b"GIF8", _("This is a GIF image, not a CSV file.")),
    (b"\xff\xfe", _("This file is saved as UTF-16.")),
    (b"\xfe\xff", _("This file is saved as UTF-16.")),
)
SAVE_AS_CSV = _("In your spreadsheet, choose “Save as” and “CSV UTF-8”, then upload that file.")
# One message for zero bytes (Django's own check) and for a file of blank lines (ours).
EMPTY_FILE = {"empty": _("This file is empty.")}


class ImportForm(WorkspaceForm):
    therapist = forms.ModelChoiceField(
        label=_("Therapist for new patients"), queryset=User.objects.none(), empty_label=None
    )
    patients = forms.FileField(label="patients.csv", required=False, error_messages=EMPTY_FILE)
    checkins = forms.FileField(label="checkins.csv", required=False, error_messages=EMPTY_FILE)
    sessions = forms.FileField(label="sessions.csv", required=False, error_messages=EMPTY_FILE)

    def __init__(self, *args: Any, therapists: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists  # type: ignore[attr-defined]

    def _text(self, name: str) -> str | None:
        """The file as text, once it is known to be a UTF-8 CSV file of the right kind."""
        upload: UploadedFile | None = self.cleaned_data.get(name)
        if upload is None:
            return None
        limit = settings.REHABIT_IMPORT_MAX_BYTES
        if upload.size and upload.size > limit:
            raise ValidationError(
                _("This file is larger than %(limit)s. Split it into smaller files.")
                % {"limit": filesizeformat(limit)}
            )
        raw = upload.read()
        for signature, message in NOT_CSV_SIGNATURES:
            if raw.startswith(signature):
                raise ValidationError(f"{message} {SAVE_AS_CSV}")
        try:
            # utf-8-sig: spreadsheets often save a byte-order mark first.
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("Save this file as UTF-8 CSV and try again.")) from exc
        if "\x00" in text:  # valid UTF-8 can still be binary data (or UTF-16 without a mark)
            raise ValidationError(
                f"{_('This file holds binary data, not CSV text.')} {SAVE_AS_CSV}"
            )
        if file_is_empty(text):
            raise ValidationError(EMPTY_FILE["empty"])
        columns = COLUMNS_BY_FILE[name]
        missing = missing_columns(text, columns)
        if missing:
            raise ValidationError(
                _(
                    "This is not a %(file)s file: its first line must name the columns "
                    "%(columns)s (missing: %(missing)s)."
                )
                % {
                    "file": f"{name}.csv",
                    "columns": ", ".join(columns),
                    "missing": ", ".join(missing),
                }
            )
        return text

    def clean_patients(self) -> str | None:
        return self._text("patients")

    def clean_checkins(self) -> str | None:
        return self._text("checkins")

    def clean_sessions(self) -> str | None:
        return self._text("sessions")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(n) for n in ("patients", "checkins", "sessions")):
            raise ValidationError(_("Choose at least one CSV file."))
        return data


# --- Audit log -------------------------------------------------------------------------------

MAX_PATIENT_REF = 20
# The log holds nothing from outside these years: a date beyond them is a slip of the keyboard,
# and at the ends of the calendar it is not even a moment a time zone can be applied to.
AUDIT_DATES = [
    MinValueValidator(date(2000, 1, 1), message=_("Choose a date from 2000 on.")),
    MaxValueValidator(date(2999, 12, 31), message=_("Choose a date before 3000.")),
]


class AuditFilterForm(WorkspaceForm):
    action = forms.ChoiceField(label=_("What"), required=False)
    who = forms.ChoiceField(label=_("Who"), required=False)
    email = forms.CharField(label=_("Email contains"), required=False, max_length=254)
    patient = forms.ChoiceField(label=_("Patient"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=AUDIT_DATES
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), validators=AUDIT_DATES
    )

    def __init__(
        self,
        *args: Any,
        therapists: QuerySet[User],
        patients: QuerySet[PatientProfile],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Every kind in the registry, whoever added it, in the words the admin reads.
        actions = sorted(AUDIT_ACTIONS.items(), key=lambda item: str(item[1]).lower())
        self.fields["action"].choices = [("", _("Anything")), *actions]  # type: ignore[attr-defined]
        self.fields["who"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            (AUTOMATIC, _("Rehabit (automatic)")),
            *((str(t.pk), t.display_name) for t in therapists),
        ]
        choices = [(str(p.pk), p.user.display_name) for p in patients]
        asked = str(self.data.get("patient", ""))
        if asked.isdigit() and len(asked) <= MAX_PATIENT_REF and asked not in dict(choices):
            # A deleted patient's events stay findable by the number the log shows for them.
            choices.append((asked, _("deleted patient #%(ref)s") % {"ref": asked}))
        self.fields["patient"].choices = [("", _("Anyone")), *choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters:
        """The filters asked for; a field with bad input is left out, its error shown by it."""
        self.is_valid()
        data = self.cleaned_data
        return AuditFilters(
            action=data.get("action", ""),
            who=data.get("who", ""),
            email=data.get("email", "").strip(),
            patient_ref=data.get("patient", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


# --- The clinic's look ---------------------------------------------------------------------


class ClinicLookForm(WorkspaceForm):
    """A logo (checked and cleaned by tracker.services.branding) and an accent colour."""

    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, up to 2 MB. It is shown up to 512 pixels wide."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        required=False,
        max_length=20,
        help_text=_(
            "# and six hex digits, such as #1f6f5c. White text on it must be easy to read; "
            "leave it empty for Rehabit's green."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "#1f6f5c"}
        ),
    )

    def clean_logo(self) -> PreparedLogo | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo")
        if not upload:
            return None
        return logo_prepare(upload)  # LogoRefused is a ValidationError: it lands on the field

    def clean_accent_colour(self) -> str:
        typed = self.cleaned_data.get("accent_colour", "").strip()
        if not typed:
            return ""
        accent = normalise_hex(typed)
        if accent is None:
            raise ValidationError(
                _("Enter a colour as # and six hex digits, such as #1f6f5c."), code="format"
            )
        problem = accent_colour_problem(accent)
        if problem is not None:
            raise problem
        return accent


class MeasureForm(WorkspaceForm):
    """Schedule a questionnaire in a program: at the start, every N days, at discharge."""

    questionnaire = forms.ChoiceField(label=_("Questionnaire"))
    at_start = forms.BooleanField(label=_("At the start"), required=False, initial=True)
    every_days = forms.IntegerField(
        label=_("Then every … days (empty: no repeats)"),
        min_value=1,
        max_value=MOST_EVERY_DAYS,
        required=False,
        initial=DEFAULT_EVERY_DAYS,
    )
    at_discharge = forms.BooleanField(
        label=_("At discharge (the phase end date)"), required=False, initial=True
    )
    activities = forms.IntegerField(
        label=_("Activities the patient names (patient-specific scales)"),
        min_value=1,
        max_value=MOST_ACTIVITIES,
        initial=3,
        required=False,
    )

    def __init__(self, *args: Any, questionnaires: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaires = {q.slug: q for q in questionnaires}
        self.fields["questionnaire"].choices = [
            (
                q.slug,
                q.title
                if not q.needs_wording
                else _("%(title)s (wording not loaded)") % {"title": q.title},
            )
            for q in questionnaires
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        asked = cleaned.get("at_start") or cleaned.get("every_days") or cleaned.get("at_discharge")
        if not asked and "every_days" not in self.errors:
            self.add_error("every_days", _("Choose at least one time to ask."))
        return cleaned


class GoalForm(WorkspaceForm):
    """A target for one of the patient's named activities."""

    activity_key = forms.ChoiceField(label=_("Activity"))
    target = forms.TypedChoiceField(
        label=_("Target rating (0–10)"),
        choices=[(n, str(n)) for n in range(0, 11)],
        coerce=int,
    )
    target_date = forms.DateField(label=_("By"), widget=DateInput())

    def __init__(
        self, *args: Any, activities: list[tuple[str, str, int | None]], today: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.activities = {key: (name, latest) for key, name, latest in activities}
        self.fields["activity_key"].choices = [
            (key, f"{name} (now {latest})" if latest is not None else name)
            for key, name, latest in activities
        ]

    def clean_target_date(self) -> date:
        day: date = self.cleaned_data["target_date"]
        if day <= self.today:
            raise ValidationError(_("Choose a date after today."))
        if day.year > self.today.year + 5:
            raise ValidationError(_("Choose a date within the next five years."))
        return day
