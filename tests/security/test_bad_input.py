"""Bad input never hurts: random and malformed values on every form, htmx endpoint and filter.

For every URL that takes input — each one that accepts a POST, and the pages whose query
string filters what they show — the table below says who sends it and what its fields look
like. Hypothesis draws requests from those fields: valid values, near misses (a rating of
11, sleep not on a half hour, a day that has not come, another patient's id, a time zone
that is not on the list) and junk (NUL characters, 10,000 characters, bytes that are not
UTF-8, duplicated, missing and unknown keys), with and without htmx, and sends them as the
persona the form is for, with that persona's history in place. Every example must

- answer below 500;
- change nothing when it is refused (a 4xx answer);
- when accepted, touch only the rows the table names for that URL, each one within the
  model's own rules (lengths, ranges, choices, constraints) and free of NUL characters, and
  leave the persona's pages opening.

PostgreSQL refuses NUL characters in text, which SQLite stores: every request here runs
under a query wrapper that refuses them the same way, so those 500s show up on SQLite too.

The URL list comes from the URL configuration, like the authorization matrix's: a URL that
accepts a POST but has no entry here fails ``test_every_url_that_takes_input_is_listed``.
The number of examples comes from the Hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import functools
import io
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from PIL import Image

from tests.conftest import PASSWORD, make_exercise, make_patient
from tests.media import mp4, picture, png_bomb, webm
from tests.outcomes import answer_psfs, schedule
from tests.security.test_authorization_matrix import ROUTES
from tests.two_factor import app, login_verified, next_code, password_step, turn_on
from tests.workspace import give_program, live_days, make_flag
from tracker.models import (
    AuditEvent,
    Clinic,
    DailyCheckin,
    DeletionRequest,
    Exercise,
    ExerciseLog,
    ExerciseMedia,
    Flag,
    FlagEvent,
    Goal,
    ImportStaging,
    LegacyRecoveryCode,
    Notification,
    PatientProfile,
    PrescribedExercise,
    Program,
    ProgramMeasure,
    ProgramTemplate,
    ProgramTemplateItem,
    PushSubscription,
    Questionnaire,
    QuestionnaireResponse,
    Session,
    TherapistNote,
    User,
)
from tracker.selectors.audit import AUTOMATIC
from tracker.services.exercise_media import MediaUpload, exercise_media_add
from tracker.services.import_staging import import_staging_create
from tracker.services.invites import invite_path
from tracker.services.logbook import CheckinValues, checkin_record, session_start
from tracker.services.outcomes import goal_set
from tracker.services.prescribing import DosageSpec, prescription_change_dosage
from tracker.services.two_factor import two_factor_begin

pytestmark = pytest.mark.django_db

# --- The persona's world ---------------------------------------------------------------------


@dataclass
class World:
    """pat (alice's patient) with a program, history, today's check-in and an open session;
    the same kinds of objects belonging to pia (same clinic) and oscar (another clinic)."""

    clinic: Clinic
    alice: User
    bob: User
    charlie: User
    pat: PatientProfile
    pia: PatientProfile
    oscar: PatientProfile
    ivy: PatientProfile  # invited, not joined yet
    today: date
    yesterday: date
    program: Program
    rx: PrescribedExercise  # the bridge, current version (once a day)
    rx_old: PrescribedExercise  # the bridge's earlier version, closed today
    rx_twice: PrescribedExercise  # the hip stretch, a timed hold twice a day
    pia_rx: PrescribedExercise
    oscar_rx: PrescribedExercise
    open_session: Session  # pat's, today, not finished
    finished_session: Session  # pat's, yesterday
    pia_session: Session
    flag: Flag
    oscar_flag: Flag
    global_exercise: Exercise
    own_exercise: Exercise  # added by the Demo Clinic
    other_exercise: Exercise  # added by the Other Clinic
    own_media: ExerciseMedia  # a picture of own_exercise
    other_media: ExerciseMedia  # a picture of other_exercise
    template: ProgramTemplate
    other_template: ProgramTemplate
    invite_link: dict[str, str]
    bob_recovery_codes: list[str]  # bob signs in with two factors
    pia_deletion: DeletionRequest  # pia asked for her data to be deleted
    oscar_deletion: DeletionRequest
    pia_programs: set[int]  # kept here: deleting pia's data deletes them
    staging: ImportStaging  # files alice checked, waiting for "Import now"
    other_staging: ImportStaging  # files checked at the Other Clinic
    measure: ProgramMeasure  # the PSFS in pat's program, answered at the start, due today
    oscar_measure: ProgramMeasure
    goal: Goal  # pat's, on the first activity
    oscar_goal: Goal

    def programs_of_pat(self) -> set[int]:
        return set(Program.objects.filter(patient=self.pat).values_list("pk", flat=True))


@pytest.fixture
def world(
    pat, pia, oscar, alice, bob, charlie, pat_program, bridge, hip_stretch, settings, media_root
) -> World:
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "BPublicKey", "private-key"  # push on
    today, yesterday = pat.local_today(), pat.local_today() - timedelta(days=1)
    live_days(pat, 2)  # check-ins and finished sessions on the two days before today
    checkin_record(
        patient=pat,
        local_date=today,
        values=CheckinValues(
            pain=3, worst_pain=5, sleep_hours=Decimal("7.5"), sleep_quality=6, stress=4
        ),
    )
    open_session = session_start(
        patient=pat, client_id=uuid.uuid4(), pain_before=3, local_date=today
    )
    rx_old, rx_twice = pat_program.prescriptions.order_by("order", "pk")
    rx = prescription_change_dosage(
        prescription=rx_old,
        dosage=DosageSpec.from_exercise(bridge, sets=3),
        notes="",
        effective_on=today,
    )
    rx_old.refresh_from_db()
    pia.user.timezone = "UTC"  # still the default: her phone may report its own
    pia.user.save(update_fields=["timezone"])
    pia_program = give_program(pia, alice, today - timedelta(days=3))
    live_days(pia, 1)
    oscar_program = give_program(oscar, charlie, today - timedelta(days=3))
    own_exercise = make_exercise("clinic-step-up")
    Exercise.objects.filter(pk=own_exercise.pk).update(clinic=pat.clinic)
    other_exercise = make_exercise("other-step-up")
    Exercise.objects.filter(pk=other_exercise.pk).update(clinic=oscar.clinic)
    own_exercise.refresh_from_db()
    other_exercise.refresh_from_db()
    own_media, other_media = (
        exercise_media_add(
            exercise=exercise, actor=actor,
            upload=MediaUpload(file=io.BytesIO(SMALL_JPEG), alt_text="A step", upload_id=uuid.uuid4()),  # noqa: E501
        )
        for exercise, actor in ((own_exercise, alice), (other_exercise, charlie))
    )  # fmt: skip
    template = ProgramTemplate.objects.create(slug="knee-start", name="Knee start", goal="Stairs")
    other_template = ProgramTemplate.objects.create(
        clinic=oscar.clinic, slug="their-plan", name="Their plan"
    )
    for n, (tpl, exercise) in enumerate(
        [(template, bridge), (template, hip_stretch), (other_template, bridge)]
    ):
        ProgramTemplateItem.objects.create(
            template=tpl,
            exercise=exercise,
            order=n,
            **DosageSpec.from_exercise(exercise).as_fields(),
        )
    flag = make_flag(pat)
    oscar_flag = make_flag(oscar)
    pat.invited_at = timezone.now() - timedelta(hours=2)  # an invitation on record
    pat.save(update_fields=["invited_at"])
    ivy = make_patient("ivy@patient.test", pat.clinic, alice)
    ivy.user.set_unusable_password()
    ivy.user.save()
    ivy.invited_at = timezone.now() - timedelta(hours=1)
    ivy.save(update_fields=["invited_at"])
    _, _invite, uidb64, token, _ = invite_path(ivy).split("/")
    PushSubscription.objects.create(
        user=pat.user, endpoint="https://fcm.googleapis.com/fcm/send/pat", p256dh="BKey", auth="sec"
    )
    TherapistNote.objects.create(clinic=pat.clinic, patient=pat, author=alice, text="Seen.")
    bob_recovery_codes = turn_on(bob)
    bob.refresh_from_db()
    pia_deletion, oscar_deletion = (
        DeletionRequest.objects.create(clinic=p.clinic, patient=p, patient_ref=str(p.pk))
        for p in (pia, oscar)
    )
    # The PSFS every 14 days from the program's start: answered then, due again today.
    measure = schedule(pat_program, "psfs")
    answer_psfs(pat, measure, pat_program.start_date, [3, 4], occasion="start")
    oscar_measure = schedule(oscar_program, "psfs")
    answer_psfs(oscar, oscar_measure, oscar_program.start_date, [5], occasion="start")
    goals = [
        goal_set(patient=p, therapist=t, activity_key="a1", activity="Climb stairs",
                 baseline=3, target=7, target_date=today + timedelta(days=30))
        for p, t in ((pat, alice), (oscar, charlie))
    ]  # fmt: skip
    return World(
        clinic=pat.clinic, alice=alice, bob=bob, charlie=charlie, pat=pat, pia=pia,
        oscar=oscar, ivy=ivy, today=today, yesterday=yesterday, program=pat_program, rx=rx,
        rx_old=rx_old, rx_twice=rx_twice, pia_rx=pia_program.prescriptions.first(),
        oscar_rx=oscar_program.prescriptions.first(), open_session=open_session,
        finished_session=pat.sessions.get(local_date=yesterday),
        pia_session=pia.sessions.first(), flag=flag, oscar_flag=oscar_flag,
        global_exercise=bridge, own_exercise=own_exercise, other_exercise=other_exercise,
        own_media=own_media, other_media=other_media,
        template=template, other_template=other_template,
        invite_link={"uidb64": uidb64, "token": token},
        bob_recovery_codes=bob_recovery_codes, pia_deletion=pia_deletion,
        oscar_deletion=oscar_deletion,
        pia_programs=set(pia.programs.values_list("pk", flat=True)),
        staging=import_staging_create(admin=alice, therapist=alice, texts={
            "patients": f"{PATIENTS_CSV}waiting@import.test,UTC,glute-bridge,{yesterday}\n"
        }),
        other_staging=import_staging_create(admin=charlie, therapist=charlie, texts={
            "patients": f"{PATIENTS_CSV}other@import.test,UTC,glute-bridge,{yesterday}\n"
        }),
        measure=measure, oscar_measure=oscar_measure, goal=goals[0], oscar_goal=goals[1],
    )  # fmt: skip


# --- Values: valid, near misses and junk -----------------------------------------------------

MISSING = object()  # the field is left out of the request
LONG = "x" * 10_000

JUNK: SearchStrategy[str | bytes] = st.one_of(
    st.sampled_from(
        [
            "", " ", "\x00", "a\x00b", LONG, "null", "None", "true", "[]", "{}", "-1", "11",
            str(10**20), "1e309", "NaN", "-inf", "3.5", "0000-00-00", "9999-12-31",
            "not-a-uuid", "<b>bold</b>", "' OR 1=1 --", "\u202eevil", "\r\n", "😀" * 3,
        ]
    ),
    st.text(max_size=20),  # any characters, NUL and control characters included
    st.binary(min_size=1, max_size=6),  # bytes, most of them not UTF-8
)  # fmt: skip


@dataclass(frozen=True)
class Field:
    valid: SearchStrategy[Any]
    bad: SearchStrategy[Any] = JUNK

    def any(self) -> SearchStrategy[Any]:
        one = st.one_of(self.valid, self.bad)
        return st.one_of(
            self.valid, self.bad, self.bad, st.just(MISSING), st.lists(one, min_size=2, max_size=3)
        )


def one_of(*values: Any) -> SearchStrategy[Any]:
    return st.sampled_from(values)


def number(lo: int, hi: int, *, optional: bool = False) -> Field:
    near = [lo - 1, hi + 1, 10**20, -(10**20), "1e309", "NaN", "inf", "3.5", "0x1", "1_0", " 1 "]
    valid = st.integers(lo, hi).map(str)
    return Field(
        st.one_of(valid, st.just("")) if optional else valid,
        st.one_of(st.sampled_from([str(v) for v in near]), st.integers().map(str), JUNK),
    )


RATING = number(0, 10)
OPTIONAL_RATING = number(0, 10, optional=True)


def text(max_length: int, *, required: bool = False) -> Field:
    valid = st.text(
        st.characters(exclude_categories=("Cs", "Cc")), min_size=int(required), max_size=40
    )
    return Field(
        valid,
        st.one_of(
            st.just("y" * (max_length + 1)), st.just("a\x00b"), st.just(LONG), st.text(), JUNK
        ),
    )


def choice(*values: str) -> Field:
    near = [v.upper() for v in values if v] + [f" {values[0]}", f"{values[-1]}\x00"]
    return Field(one_of(*values), st.one_of(one_of(*near), JUNK))


def days(*valid: date, far: date | None = None) -> Field:
    near = [
        "0000-00-00", "9999-12-31", "0001-01-01", "2999-01-01", "1900-01-01", "2026-02-30",
        "2026-13-01", "31/12/2025", "today", "2026-01-01T00:00", "٢٠٢٦-٠١-٠١",
    ]  # fmt: skip
    if far is not None:
        near += [far.isoformat(), (far + timedelta(days=1)).isoformat()]
    return Field(one_of(*[d.isoformat() for d in valid]), st.one_of(one_of(*near), JUNK))


def ids(*valid: int, foreign: tuple[int, ...] = ()) -> Field:
    near = [*foreign, 0, -1, 2**31, 2**63, 10**20]
    return Field(one_of(*[str(v) for v in valid]), st.one_of(one_of(*map(str, near)), JUNK))


def uuids(*valid: object, foreign: tuple[object, ...] = ()) -> Field:
    near = [*map(str, foreign), "00000000-0000-0000-0000-000000000000", "not-a-uuid", "1234"]
    return Field(
        st.one_of(one_of(*map(str, valid)), st.uuids().map(str)),
        st.one_of(one_of(*near), JUNK),
    )


TIMES = Field(
    one_of("18:00", "07:30", "00:00", "23:59"),
    st.one_of(one_of("24:00", "25:00", "18:60", "6pm", "-1:00"), JUNK),
)
TIMEZONES = Field(
    one_of("Europe/Paris", "America/New_York", "Europe/London", "Asia/Kolkata", "UTC"),
    st.one_of(one_of("Mars/Olympus", "europe/paris", "Etc/GMT+5", "US/Eastern", "UTC\x00"), JUNK),
)
NEXT = Field(
    one_of("/clinic/flags/", "/clinic/caseload/?q=a"),
    st.one_of(
        one_of("//evil.test/", "https://evil.test/", "javascript:alert(1)", "/\x00", "/a\r\nb"),
        JUNK,
    ),
)
PASSWORDS = Field(
    one_of("a knee that climbs stairs", PASSWORD),
    one_of("", "short", "password", "12345678", "ivy@patient.test", LONG, "tab\tand\x00nul"),
)


# --- Requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class May:
    """Which rows an accepted request may add, change or delete (each checked on the row)."""

    create: Callable[[World, dict[str, Any]], bool] | None = None
    change: Callable[[World, dict[str, Any]], bool] | None = None
    delete: Callable[[World, dict[str, Any]], bool] | None = None


def anything(w: World, row: dict[str, Any]) -> bool:
    return True


def alices_staging(w: World, row: dict[str, Any]) -> bool:
    """Import files checked by alice for her own clinic (never the Other Clinic's)."""
    return row["clinic_id"] == w.clinic.pk and row["uploaded_by_id"] == w.alice.pk


def of_pat(w: World, row: dict[str, Any]) -> bool:
    return row.get("patient_id") == w.pat.pk


def of_pat_recently(w: World, row: dict[str, Any]) -> bool:
    return of_pat(w, row) and row["local_date"] >= w.yesterday


def in_pat_programs(w: World, row: dict[str, Any]) -> bool:
    return row["program_id"] in w.programs_of_pat()


def is_pat_user(w: World, row: dict[str, Any]) -> bool:
    return row["id"] == w.pat.user_id


def of_pat_user(w: World, row: dict[str, Any]) -> bool:
    return row["user_id"] == w.pat.user_id or row.get("recipient_id") == w.pat.user_id


def device_of(persona: str) -> Callable[[World, dict[str, Any]], bool]:
    """A two-factor device (or legacy recovery code) of this persona."""
    return lambda w, row: row["user_id"] == getattr(w, persona).pk


def of_clinic_therapist(w: World, row: dict[str, Any]) -> bool:
    return User.objects.filter(pk=row["user_id"], clinic=w.clinic, role="therapist").exists()


def recovery_token_of(persona: str) -> Callable[[World, dict[str, Any]], bool]:
    def check(w: World, row: dict[str, Any]) -> bool:
        owner = StaticDevice.objects.filter(pk=row["device_id"]).values_list("user_id", flat=True)
        # A token whose device went with it: that deletion is checked on the device's row.
        return not owner or owner[0] == getattr(w, persona).pk

    return check


@dataclass(frozen=True)
class Endpoint:
    persona: str  # "pat", "alice" or "anonymous"
    fields: Callable[[World], dict[str, Field]] = lambda w: {}
    kwargs: Callable[[World], SearchStrategy[dict[str, Any]]] = lambda w: st.just({})
    method: str = "POST"
    body: str = "form"  # "form" (urlencoded), "json", "multipart" (CSV files) or "logo"
    writes: dict[type[models.Model], May] = field(default_factory=dict)
    pages: Callable[[World], list[str]] = lambda w: []
    prepare: Callable[[World], Any] = lambda w: None  # once, before the examples
    # A new client for each example (the request changes who is logged in), and what that
    # client does first.
    fresh_client: bool = False
    first: Callable[[Client, World], Any] = lambda client, w: None


def patient_pages(w: World) -> list[str]:
    return [reverse("patient-today"), reverse("patient-progress")]


def record_pages(w: World) -> list[str]:
    return [
        reverse("therapist-record", args=[w.pat.pk]),
        reverse("therapist-program", args=[w.pat.pk]),
    ]


def session_fields(w: World) -> dict[str, Field]:
    return {
        "local_date": days(w.today, w.yesterday, far=w.today),
        "session_client_id": uuids(
            w.open_session.client_id,
            w.finished_session.client_id,
            foreign=(w.pia_session.client_id,),
        ),
    }


def dosage_fields(w: World) -> dict[str, Field]:
    prefix = f"rx{w.rx.pk}-"
    return {
        prefix + "sets": number(1, 20),
        prefix + "amount": number(1, 600),
        prefix + "amount_kind": choice("reps", "hold"),
        prefix + "times_per_day": number(1, 6),
        prefix + "days_per_week": number(1, 7, optional=True),
        prefix + "weekdays": Field(st.integers(0, 6).map(str)),
        prefix + "side": choice("both", "left", "right"),
        prefix + "notes": text(500),
    }


def exercise_fields(w: World) -> dict[str, Field]:
    return {
        "name": text(120, required=True),
        "category": choice("strength", "mobility", "neural_glide", "motor_control", "gait"),
        "body_region": choice("knee", "hip", "ankle_foot", "lower_back", "thigh", "whole_body"),
        "summary": text(300),
        "steps": Field(one_of("Stand.\nStep up.", "One", " \n a \n"), text(10_000).bad),
        "cues": text(2000),
        "cautions": text(2000),
        "default_sets": number(1, 20),
        "amount_kind": choice("reps", "hold"),
        "amount": number(1, 600),
        "default_times_per_day": number(1, 6),
        "default_days_per_week": number(1, 7),
        "default_side": choice("both", "left", "right"),
        "video_url": Field(
            one_of("", "https://video.example.test/v/1", "video.example.test/x"),
            st.one_of(one_of("javascript:alert(1)", "http://", "https://" + LONG), JUNK),
        ),
    }


def program_writes() -> dict[type[models.Model], May]:
    return {
        Program: May(create=of_pat, change=of_pat),
        PrescribedExercise: May(create=in_pat_programs, change=in_pat_programs),
    }


def prescription_writes() -> dict[type[models.Model], May]:
    return {
        PrescribedExercise: May(
            create=in_pat_programs, change=in_pat_programs, delete=in_pat_programs
        )
    }


def is_pat(w: World, row: dict[str, Any]) -> bool:
    return row["id"] == w.pat.pk


def is_alice(w: World, row: dict[str, Any]) -> bool:
    return row["id"] == w.alice.pk


def is_bob(w: World, row: dict[str, Any]) -> bool:
    return row["id"] == w.bob.pk


def is_pia_deletion(w: World, row: dict[str, Any]) -> bool:
    return row["id"] == w.pia_deletion.pk


def of_pia(w: World, row: dict[str, Any]) -> bool:
    """A row of pia's health data or contact history."""
    user_id = w.pia.user_id
    return (
        row.get("patient_id") == w.pia.pk
        or row.get("program_id") in w.pia_programs
        or user_id in (row.get("user_id"), row.get("recipient_id"))
    )


# What deleting pia's data may delete: her history, her profile and her login.
PIA_DATA = {
    **{
        model: May(delete=of_pia)
        for model in (
            DailyCheckin, Session, ExerciseLog, PrescribedExercise, Program, Flag, FlagEvent,
            TherapistNote, Notification, PushSubscription,
        )
    },
    PatientProfile: May(delete=lambda w, row: row["id"] == w.pia.pk),
    User: May(delete=lambda w, row: row["id"] == w.pia.user_id),
}  # fmt: skip
TWO_FACTOR_CODES = st.one_of(
    one_of("000000", "12345", "1234567", "abcdef", " 1 2 3 ", "１２３４５６"), JUNK
)


def password_or_code(w: World) -> Field:
    return Field(
        one_of(PASSWORD, next_code(w.bob), w.bob_recovery_codes[0]),
        st.one_of(one_of("not my password", PASSWORD.upper(), PASSWORD + "\x00"), TWO_FACTOR_CODES),
    )


def audit_filters(w: World) -> dict[str, Field]:
    return {
        "action": choice("", "auth.login", "patient.viewed", "program.created"),
        "who": Field(
            one_of("", AUTOMATIC, str(w.alice.pk)), ids(w.bob.pk, foreign=(w.charlie.pk,)).bad
        ),  # noqa: E501
        "email": text(254),
        "patient": Field(one_of("", str(w.pat.pk)), ids(w.pat.pk, foreign=(w.oscar.pk,)).bad),
        "date_from": days(w.today - timedelta(days=30), w.today),
        "date_to": days(w.today, w.yesterday),
        "older_than": Field(
            one_of("", "1", "999999"), one_of("9" * 19, "9" * 400, "-1", "1e9", "\x00")
        ),  # noqa: E501
    }


# Whatever pat logs brings the next trend evaluation forward (next_evaluation_at).
PATIENT_HISTORY = {
    Session: May(create=of_pat_recently, change=of_pat_recently),
    ExerciseLog: May(create=of_pat_recently, change=of_pat_recently),
    PatientProfile: May(change=is_pat),
}
SETTINGS_WRITES = {
    User: May(change=is_pat_user),
    PatientProfile: May(change=is_pat),
}
FILTERS = {
    "q": text(100),
    "category": choice("", "strength", "mobility"),
    "body_region": choice("", "knee", "hip"),
}
PAGE = Field(one_of("1", "2", "last"), number(1, 2).bad)

# fmt: off
TABLE: dict[str, Endpoint] = {
    # --- Shared by every role
    "login": Endpoint(
        "anonymous",
        lambda w: {
            "username": Field(one_of(w.pat.user.email, w.pat.user.email.upper(), "nobody@x.test")),  # noqa: E501
            "password": PASSWORDS,
            "next": NEXT,
        },
        fresh_client=True,
    ),
    "logout": Endpoint("pat", lambda w: {"next": NEXT}, fresh_client=True),
    # Forgotten and changed passwords: whatever arrives, no 500 and no account revealed
    "password-reset": Endpoint(
        "anonymous",
        lambda w: {
            "email": Field(
                one_of(w.pat.user.email, w.pat.user.email.upper(), "nobody@x.test"),
                st.one_of(one_of("a@b", "@x.test", "pat@patient.test\x00", LONG + "@x.test"), JUNK),  # noqa: E501
            ),
        },
        fresh_client=True,
    ),
    "password-reset-confirm": Endpoint(
        "anonymous",
        lambda w: {"new_password1": PASSWORDS, "new_password2": PASSWORDS},
        fresh_client=True,
        # The emailed link first: Django keeps its token in the session and answers the form
        # on <uidb64>/set-password/.
        first=lambda client, w: client.get(password_reset_path(w.pat.user)),
        kwargs=lambda w: st.fixed_dictionaries({
            "uidb64": one_of(urlsafe_base64_encode(force_bytes(w.pat.user.pk)), "MA", "-", "%00"),
            "token": one_of("set-password", "x-y", "0" * 200),
        }),
        writes={User: May(change=is_pat_user)},
        pages=lambda w: [reverse("login")],
    ),
    "password-change": Endpoint(
        "pat",
        lambda w: {
            "old_password": PASSWORDS,
            "new_password1": PASSWORDS,
            "new_password2": PASSWORDS,
        },
        fresh_client=True,
        writes={User: May(change=is_pat_user)},
        pages=patient_pages,
    ),
    "login-two-factor": Endpoint(
        "anonymous",
        lambda w: {
            "code": Field(
                one_of(next_code(w.bob), app(w.bob).now(), *w.bob_recovery_codes[:2]),
                TWO_FACTOR_CODES,
            ),
        },
        fresh_client=True,
        first=lambda client, w: password_step(client, w.bob),  # the password was right
        writes={
            User: May(change=lambda w, row: row["id"] == w.bob.pk),
            # The app's last time step, or a recovery code used up.
            TOTPDevice: May(change=device_of("bob")),
            StaticDevice: May(change=device_of("bob")),
            StaticToken: May(delete=recovery_token_of("bob")),
        },
        pages=lambda w: [reverse("therapist-caseload")],
    ),
    "invite-accept": Endpoint(
        "anonymous",
        lambda w: {"new_password1": PASSWORDS, "new_password2": PASSWORDS},
        fresh_client=True,
        kwargs=lambda w: st.one_of(
            st.just(w.invite_link),
            st.fixed_dictionaries({
                "uidb64": one_of(w.invite_link["uidb64"], "Mg", "AAAA", "-", "%00"),
                "token": one_of(w.invite_link["token"], "x-y", "0" * 200),
            }),
        ),
        writes={
            User: May(change=lambda w, row: row["id"] == w.ivy.user_id),
            PatientProfile: May(change=lambda w, row: row["id"] == w.ivy.pk),
        },
        pages=lambda w: [reverse("patient-today")],
    ),
    # --- The patient's phone
    "patient-session-start": Endpoint(
        "pat", lambda w: {**session_fields(w), "pain_before": RATING},
        writes={Session: PATIENT_HISTORY[Session], PatientProfile: May(change=is_pat)},
        pages=patient_pages,
    ),
    "patient-session-finish": Endpoint(
        "pat", lambda w: {**session_fields(w), "pain_after": RATING, "notes": text(2000)},
        writes={Session: PATIENT_HISTORY[Session], PatientProfile: May(change=is_pat)},
        pages=patient_pages,
    ),
    "patient-log": Endpoint(
        "pat",
        lambda w: {
            **session_fields(w),
            "prescribed": ids(w.rx.pk, w.rx_twice.pk, foreign=(w.rx_old.pk, w.pia_rx.pk, w.oscar_rx.pk)),  # noqa: E501
            "occurrence": number(1, 2),
            "status": choice("done", "skipped"),
            "sets_done": number(0, 50, optional=True),
            "reps_done": number(0, 500, optional=True),
            "hold_seconds_done": number(0, 3600, optional=True),
            "pain_during": OPTIONAL_RATING,
            "symptoms": choice("sharp", "aching", "stiffness"),
            "skip_reason": text(200),
        },
        writes=PATIENT_HISTORY, pages=patient_pages,
    ),
    "patient-checkin": Endpoint(
        "pat",
        lambda w: {
            "local_date": days(w.today, w.yesterday, far=w.today),
            "pain": RATING, "worst_pain": RATING, "sleep_quality": RATING, "stress": RATING,
            "sleep_hours": Field(
                one_of("0.0", "7.5", "16.0", "8.0"),
                st.one_of(one_of("7", "7.25", "16.5", "-0.5", "7.50", "NaN", "1e309", "8,0"), JUNK),  # noqa: E501
            ),
            "note": text(2000),
        },
        writes={
            DailyCheckin: May(create=of_pat_recently, change=of_pat_recently),
            PatientProfile: May(change=is_pat),
        },
        pages=lambda w: [reverse("patient-checkin"), reverse("patient-progress")],
    ),
    "patient-questionnaire": Endpoint(
        "pat",
        lambda w: {
            "local_date": days(w.today, w.yesterday, far=w.today),
            "due_on": days(w.today, w.program.start_date, far=w.today),
            "client_id": uuids(uuid.uuid4()),
            "rating_a1": RATING,
            "rating_a2": OPTIONAL_RATING,
        },
        writes={
            QuestionnaireResponse: May(create=of_pat),
            PatientProfile: May(change=is_pat),
        },
        pages=lambda w: [reverse("patient-today"), reverse("patient-progress")],
    ),
    "patient-settings": Endpoint(
        "pat",
        lambda w: {"reminder_time": TIMES, "remind_by_email": choice("on", ""), "timezone": TIMEZONES},  # noqa: E501
        writes=SETTINGS_WRITES, pages=patient_pages,
    ),
    # pia's time zone is still the default, which only this may replace.
    "patient-timezone-detect": Endpoint(
        "pia", lambda w: {"timezone": TIMEZONES}, pages=patient_pages,
        writes={
            User: May(change=lambda w, row: row["id"] == w.pia.user_id),
            PatientProfile: May(change=lambda w, row: row["id"] == w.pia.pk),
        },
    ),
    "patient-push-subscribe": Endpoint(
        "pat", body="json",
        writes={PushSubscription: May(create=of_pat_user, change=of_pat_user, delete=of_pat_user)},
    ),
    # --- The therapist's workspace
    "therapist-caseload": Endpoint(
        "alice", method="GET",
        fields=lambda w: {
            "q": text(100), "scope": choice("mine", "clinic"), "flag": choice("", "any", "high", "none"),  # noqa: E501
            "state": choice("", "quiet", "invited", "no_program"),
            "sort": choice("risk", "adherence", "activity", "name"), "page": PAGE,
        },
    ),
    "therapist-flags": Endpoint(
        "alice", method="GET",
        fields=lambda w: {
            "scope": choice("mine", "clinic"), "status": choice("open", "resolved", "acknowledged"),  # noqa: E501
            "severity": choice("", "low", "high"), "kind": choice("", "pain_rising", "gone_quiet"),  # noqa: E501
            "page": PAGE,
        },
    ),
    "therapist-library": Endpoint("alice", method="GET", fields=lambda w: FILTERS),
    "therapist-program-library": Endpoint("alice", method="GET", fields=lambda w: FILTERS),
    "therapist-program": Endpoint("alice", method="GET", fields=lambda w: FILTERS),
    "therapist-record": Endpoint(
        "alice", method="GET", fields=lambda w: {"days": Field(one_of("7", "28", "90"), number(7, 7).bad)},  # noqa: E501
    ),
    "therapist-report": Endpoint(
        "alice", method="GET", fields=lambda w: {"days": Field(one_of("7", "28", "90"), number(7, 7).bad)},  # noqa: E501
    ),
    "therapist-flag-review": Endpoint(
        "alice",
        lambda w: {"action": choice("acknowledge", "resolve"), "note": text(2000), "next": NEXT},
        writes={
            Flag: May(change=lambda w, row: row["id"] == w.flag.pk),
            FlagEvent: May(create=lambda w, row: row["flag_id"] == w.flag.pk),
        },
        pages=lambda w: [reverse("therapist-flags"), reverse("therapist-record", args=[w.pat.pk])],
    ),
    "therapist-note-create": Endpoint(
        "alice", lambda w: {"text": text(5000, required=True), "next": NEXT},
        writes={TherapistNote: May(create=of_pat)}, pages=record_pages,
    ),
    "therapist-invite": Endpoint(
        "alice",
        lambda w: {
            "full_name": text(200, required=True),
            "email": Field(
                one_of("new@patient.test", "New.Person+knee@patient.test"),
                st.one_of(one_of(w.pat.user.email.upper(), "a@b", "@x.test", "new@patient.test\x00", LONG + "@x.test"), JUNK),  # noqa: E501
            ),
            "timezone": TIMEZONES,
            "condition": text(200),
            "therapist": ids(w.alice.pk, w.bob.pk, foreign=(w.charlie.pk, w.pat.user_id)),
        },
        writes={
            User: May(create=lambda w, row: row["role"] == "patient" and row["clinic_id"] == w.clinic.pk),  # noqa: E501
            PatientProfile: May(create=lambda w, row: row["clinic_id"] == w.clinic.pk),
            Notification: May(create=anything),
        },
        pages=lambda w: [reverse("therapist-caseload") + "?state=invited"],
    ),
    "therapist-invite-resend": Endpoint(
        "alice", lambda w: {"next": NEXT},
        writes={
            PatientProfile: May(change=is_pat),
            Notification: May(create=anything),
        },
        pages=record_pages,
    ),
    "therapist-invite-revoke": Endpoint(
        "alice", lambda w: {"next": NEXT},
        writes={PatientProfile: May(change=is_pat), User: May(change=is_pat_user)},  # noqa: E501
        pages=record_pages,
    ),
    "therapist-program-start": Endpoint(
        "alice",
        lambda w: {
            "template": ids(w.template.pk, foreign=(w.other_template.pk,)),
            "title": text(200),
            "goal": text(300),
            "start_date": days(w.today, w.today + timedelta(days=7), w.today - timedelta(days=30)),  # noqa: E501
            "phase_end_date": days(w.today + timedelta(days=42), far=w.today),
        },
        writes=program_writes(), pages=record_pages,
    ),
    "therapist-program-details": Endpoint(
        "alice",
        lambda w: {
            "title": text(200, required=True),
            "goal": text(300),
            "phase_end_date": days(w.today + timedelta(days=42), far=w.program.start_date),
            "status": choice("active", "paused", "completed"),
        },
        writes={Program: May(change=of_pat)}, pages=record_pages,
    ),
    "therapist-program-add": Endpoint(
        "alice", writes=prescription_writes(), pages=record_pages,
    ),
    "therapist-prescription-dosage": Endpoint(
        "alice", dosage_fields, writes=prescription_writes(), pages=record_pages,
    ),
    "therapist-prescription-move": Endpoint(
        "alice", lambda w: {"direction": choice("up", "down")},
        writes=prescription_writes(), pages=record_pages,
    ),
    "therapist-prescription-remove": Endpoint(
        "alice", writes=prescription_writes(), pages=record_pages,
    ),
    "therapist-measure-add": Endpoint(
        "alice",
        lambda w: {
            "questionnaire": choice("psfs", "groc", "koos-12"),
            "at_start": choice("on", ""),
            "every_days": number(1, 365, optional=True),
            "at_discharge": choice("on", ""),
            "activities": number(1, 5, optional=True),
            "next": NEXT,
        },
        writes={ProgramMeasure: May(create=in_pat_programs, change=in_pat_programs)},
        pages=record_pages,
    ),
    "therapist-measure-stop": Endpoint(
        "alice", lambda w: {"next": NEXT},
        writes={
            ProgramMeasure: May(delete=in_pat_programs),
            QuestionnaireResponse: May(change=of_pat),  # the answers stay, unlinked
        },
        pages=record_pages,
    ),
    "therapist-goal-add": Endpoint(
        "alice",
        lambda w: {
            "activity_key": choice("a1", "a2"),
            "target": number(0, 10),
            "target_date": days(w.today + timedelta(days=30), far=w.today),
            "next": NEXT,
        },
        writes={Goal: May(create=of_pat, change=of_pat)},
        pages=lambda w: [*record_pages(w), reverse("therapist-report", args=[w.pat.pk])],
    ),
    "therapist-goal-remove": Endpoint(
        "alice", lambda w: {"next": NEXT}, writes={Goal: May(delete=of_pat)}, pages=record_pages,
    ),
    "therapist-exercise-new": Endpoint(
        "alice", exercise_fields,
        writes={Exercise: May(create=lambda w, row: row["clinic_id"] == w.clinic.pk)},
        pages=lambda w: [reverse("therapist-library")],
    ),
    "therapist-exercise-edit": Endpoint(
        "alice", exercise_fields,
        writes={Exercise: May(change=lambda w, row: row["id"] == w.own_exercise.pk)},
        pages=lambda w: [reverse("therapist-library")],
    ),
    # A picture or video for the clinic's own exercise: the file is checked by its bytes
    "therapist-exercise-media-add": Endpoint(
        "alice", body="media",
        writes={
            ExerciseMedia: May(create=lambda w, row: row["exercise_id"] == w.own_exercise.pk),
            Exercise: May(change=lambda w, row: row["id"] == w.own_exercise.pk),  # its cover
        },
        pages=lambda w: [
            reverse("therapist-exercise-edit", args=[w.own_exercise.pk]),
            reverse("patient-today"),
        ],
    ),
    "therapist-exercise-media-remove": Endpoint(
        "alice",
        writes={
            ExerciseMedia: May(delete=lambda w, row: row["id"] == w.own_media.pk),
            Exercise: May(change=lambda w, row: row["id"] == w.own_exercise.pk),
        },
        pages=lambda w: [reverse("therapist-exercise-edit", args=[w.own_exercise.pk])],
    ),
    # --- Two-factor sign-in: alice sets it up, bob has it on, alice (an admin) resets it
    "therapist-two-factor-setup": Endpoint(
        "alice", lambda w: {"next": NEXT},
        writes={TOTPDevice: May(create=device_of("alice"), delete=device_of("alice"))},
    ),
    "therapist-two-factor-confirm": Endpoint(
        "alice",
        lambda w: {"code": Field(one_of(app(w.alice).now()), TWO_FACTOR_CODES), "next": NEXT},
        prepare=lambda w: two_factor_begin(user=w.alice),  # the app has scanned the QR code
        writes={
            TOTPDevice: May(change=device_of("alice")),
            StaticDevice: May(create=device_of("alice")),
            StaticToken: May(create=recovery_token_of("alice")),
        },
        pages=lambda w: [reverse("therapist-two-factor")],
    ),
    "therapist-two-factor-disable": Endpoint(
        "bob", lambda w: {"disable-password_or_code": password_or_code(w)},
        writes={
            TOTPDevice: May(change=device_of("bob"), delete=device_of("bob")),
            StaticDevice: May(delete=device_of("bob")),
            StaticToken: May(delete=recovery_token_of("bob")),
        },
        pages=lambda w: [reverse("therapist-two-factor")],
    ),
    "therapist-two-factor-recovery-codes": Endpoint(
        "bob", lambda w: {"codes-password_or_code": password_or_code(w)},
        writes={
            TOTPDevice: May(change=device_of("bob")),
            StaticToken: May(create=recovery_token_of("bob"), delete=recovery_token_of("bob")),
        },
        pages=lambda w: [reverse("therapist-two-factor")],
    ),
    "therapist-security-require": Endpoint(
        "alice", lambda w: {"require_two_factor": choice("on", "")},
        prepare=lambda w: turn_on(w.alice),  # an admin may only require what they use
        writes={Clinic: May(change=lambda w, row: row["id"] == w.clinic.pk)},
        pages=lambda w: [reverse("therapist-security"), reverse("therapist-caseload")],
    ),
    "therapist-two-factor-reset": Endpoint(
        "alice",
        writes={
            TOTPDevice: May(delete=of_clinic_therapist),
            StaticDevice: May(delete=of_clinic_therapist),
            StaticToken: May(delete=lambda w, row: True),  # with their device, checked there
        },
        pages=lambda w: [reverse("therapist-security")],
    ),
    # --- Patients' data: pat may ask for deletion, pia has asked, alice decides
    "patient-deletion-request": Endpoint(
        "pat", lambda w: {"reason": text(2000), "confirm": choice("on", "")},
        writes={DeletionRequest: May(create=of_pat)}, pages=lambda w: [reverse("patient-settings")],
    ),
    "patient-deletion-cancel": Endpoint(
        "pia", writes={DeletionRequest: May(change=is_pia_deletion)},
        pages=lambda w: [reverse("patient-settings")],
    ),
    "therapist-deletion-decline": Endpoint(
        "alice", lambda w: {"note": text(2000, required=True)},
        writes={DeletionRequest: May(change=is_pia_deletion)},
        pages=lambda w: [reverse("therapist-deletion-requests")],
    ),
    "therapist-deletion-confirm": Endpoint(
        "alice",
        lambda w: {
            "email": Field(
                one_of(w.pia.user.email, w.pia.user.email.upper(), f" {w.pia.user.email} "),
                st.one_of(one_of(w.pat.user.email, w.oscar.user.email, "pia@patient"), JUNK),
            )
        },
        writes={
            **PIA_DATA,
            DeletionRequest: May(change=is_pia_deletion),
        },
        pages=lambda w: [reverse("therapist-deletion-requests"), reverse("therapist-caseload")],
    ),
    "therapist-clinic-look": Endpoint(
        "alice", body="logo",
        writes={Clinic: May(change=lambda w, row: row["id"] == w.clinic.pk)},
        pages=lambda w: [reverse("therapist-clinic-look"), reverse("patient-offline")],
    ),
    "therapist-audit": Endpoint("alice", method="GET", fields=lambda w: audit_filters(w)),
    "therapist-audit-export": Endpoint("alice", method="GET", fields=lambda w: audit_filters(w)),
    # Checking files only stages them (replacing alice's earlier ones); nothing is imported.
    "therapist-import": Endpoint(
        "alice", body="multipart",
        writes={ImportStaging: May(create=alices_staging, delete=alices_staging)},
        pages=lambda w: [reverse("therapist-import")],
    ),
    "therapist-import-run": Endpoint(
        "alice",
        writes={
            ImportStaging: May(delete=alices_staging),
            **{
                model: May(create=anything)
                for model in (User, PatientProfile, Program, PrescribedExercise, DailyCheckin, Session, ExerciseLog)  # noqa: E501
            },
        },
        pages=lambda w: [reverse("therapist-import"), reverse("therapist-caseload") + "?scope=clinic"],  # noqa: E501
    ),
    "therapist-import-cancel": Endpoint(
        "alice", writes={ImportStaging: May(delete=alices_staging)},
        pages=lambda w: [reverse("therapist-import")],
    ),
}
# fmt: on


def in_url(name: str, valid: int, *others: int) -> SearchStrategy[dict[str, Any]]:
    """One id in the URL: mostly the valid one, sometimes another one, a stranger's or none."""
    return st.one_of(
        st.just(valid), st.just(valid), st.just(valid), one_of(*others, 0, 2**31, 10**20)
    ).map(lambda v: {name: v})


def staging_in_url(w: World) -> SearchStrategy[dict[str, Any]]:
    """Checked files: mostly alice's, sometimes the Other Clinic's or ones never checked."""
    never = uuid.UUID("00000000-0000-4000-8000-000000000000")
    return st.one_of(
        st.just(w.staging.pk), st.just(w.staging.pk), one_of(w.other_staging.pk, never)
    ).map(lambda v: {"staging_id": v})


def pat_in_url(w: World) -> SearchStrategy[dict[str, Any]]:
    return in_url("patient_id", w.pat.pk, w.oscar.pk)


def prescription_in_url(w: World) -> SearchStrategy[dict[str, Any]]:
    return in_url("prescription_id", w.rx.pk, w.rx_twice.pk, w.rx_old.pk, w.oscar_rx.pk)


def deletion_in_url(w: World) -> SearchStrategy[dict[str, Any]]:
    return in_url("request_id", w.pia_deletion.pk, w.oscar_deletion.pk)


# URL ids: mostly pat's own objects, sometimes oscar's (another clinic) or none at all.
URL_IDS: dict[str, Callable[[World], SearchStrategy[dict[str, Any]]]] = {
    "therapist-record": pat_in_url,
    "therapist-report": pat_in_url,
    "therapist-program": pat_in_url,
    "therapist-program-library": pat_in_url,
    "therapist-note-create": pat_in_url,
    "therapist-invite-resend": pat_in_url,
    "therapist-invite-revoke": pat_in_url,
    "therapist-program-start": pat_in_url,
    "therapist-flag-review": lambda w: in_url("flag_id", w.flag.pk, w.oscar_flag.pk),
    "therapist-program-details": lambda w: in_url(
        "program_id", w.program.pk, w.oscar_rx.program_id
    ),
    "therapist-program-add": lambda w: st.fixed_dictionaries(
        {
            "program_id": in_url("p", w.program.pk, w.oscar_rx.program_id).map(lambda d: d["p"]),
            "exercise_id": one_of(
                w.global_exercise.pk, w.own_exercise.pk, w.other_exercise.pk, 0, 10**20
            ),
        }
    ),
    "therapist-prescription-dosage": prescription_in_url,
    "therapist-prescription-move": prescription_in_url,
    "therapist-prescription-remove": prescription_in_url,
    "therapist-exercise-edit": lambda w: in_url(
        "exercise_id", w.own_exercise.pk, w.other_exercise.pk, w.global_exercise.pk
    ),
    "therapist-exercise-media-add": lambda w: in_url(
        "exercise_id", w.own_exercise.pk, w.other_exercise.pk, w.global_exercise.pk
    ),
    "therapist-exercise-media-remove": lambda w: in_url(
        "media_id", w.own_media.pk, w.other_media.pk
    ),
    "therapist-two-factor-reset": lambda w: in_url(
        "therapist_id", w.bob.pk, w.alice.pk, w.charlie.pk, w.pat.user_id
    ),
    "therapist-deletion-confirm": deletion_in_url,
    "patient-questionnaire": lambda w: in_url("measure_id", w.measure.pk, w.oscar_measure.pk),
    "therapist-measure-add": lambda w: in_url("program_id", w.program.pk, w.oscar_rx.program_id),
    "therapist-measure-stop": lambda w: in_url("measure_id", w.measure.pk, w.oscar_measure.pk),
    "therapist-goal-add": pat_in_url,
    "therapist-goal-remove": lambda w: in_url("goal_id", w.goal.pk, w.oscar_goal.pk),
    "therapist-deletion-decline": deletion_in_url,
    "therapist-import-run": lambda w: staging_in_url(w),
    "therapist-import-cancel": lambda w: staging_in_url(w),
}

# URLs that accept a POST yet read nothing from it (anything else must answer a POST with 405).
NO_INPUT = {
    "home": "sends each role to its start page, whatever the method",
    "healthz": "a liveness probe that reads nothing",
}


# --- Bodies the forms cannot anticipate ------------------------------------------------------

SUBSCRIPTION = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/new",
    "keys": {"p256dh": "BNewKey", "auth": "secret"},
}


def json_bodies() -> SearchStrategy[bytes]:
    """Valid subscriptions, removals, wrong shapes and things that are not JSON at all."""
    scalar = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
    )
    value = st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    )
    endpoint = st.one_of(
        one_of(
            SUBSCRIPTION["endpoint"], "https://fcm.googleapis.com/fcm/send/pat",
            "http://push.example.test/plain", "https://push.example.test/\x00",
            "https://169.254.169.254/latest/", "https://[::1]:8102/",
            "https://push.example.test/" + "p" * 1_100, "", "javascript:alert(1)",
        ),
        value,
    )  # fmt: skip
    keys = st.one_of(
        st.just(SUBSCRIPTION["keys"]),
        st.fixed_dictionaries(
            {
                "p256dh": st.one_of(st.just("BKey"), value, st.just("k" * 201), st.just("k\x00")),
                "auth": st.one_of(st.just("sec"), value, st.just("a" * 101), st.just("\x00")),
            }
        ),
        value,
    )
    shaped = st.fixed_dictionaries(
        {"endpoint": endpoint},
        optional={"keys": keys, "remove": st.one_of(st.booleans(), value)},
    )
    valid = one_of(
        SUBSCRIPTION, {"endpoint": "https://fcm.googleapis.com/fcm/send/pat", "remove": True}
    )
    as_json = st.one_of(valid, shaped, value).map(lambda v: json.dumps(v).encode())
    not_json = one_of(
        b"", b"{", b"not json", b"\xff\xfe{}", b'{"endpoint": "\\ud800"}', b"[" * 5_000,
        b'{"endpoint": ' * 3_000, b"1e999", b"NaN", b'{"endpoint": "https://x.test/\\u0000"}',
    )  # fmt: skip
    return st.one_of(as_json, not_json)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256))
PATIENTS_CSV = "email,timezone,exercises,program_start\n"
CHECKINS_CSV = "patient_email,date,pain,worst_pain,sleep_hours,sleep_quality,stress,note\n"


@functools.cache
def png_of(size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


ACCENTS = Field(
    one_of("#0b5394", "#1F6F5C", "1f6f5c", "#abc", "", " #003366 "),
    st.one_of(one_of("#ffcc00", "#777777", "#fff", "teal", "#12345g", "#0b5394\x00", LONG), JUNK),
)


def logo_uploads(w: World) -> SearchStrategy[Any]:
    """A clinic's look: readable and unreadable accents, images and things named as images."""
    good = one_of(png_of((60, 20)), png_of((900, 300), "RGBA"))
    bad = st.one_of(
        one_of(
            PNG, ZIP, b"", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a\x01\x00",
            png_of((60, 20))[:50], png_of((6000, 5000), "1"), b"\x89PNG" + b"\x00" * 2_200_000,
        ),
        st.binary(max_size=64),
    )  # fmt: skip
    return st.fixed_dictionaries(
        {
            "accent_colour": ACCENTS.any(),
            "remove_logo": one_of("on", "", MISSING),
            "logo": st.one_of(st.just(MISSING), good, bad),
            "filename": one_of("logo.png", "logo.jpg", "../../x.png", "a\x00.png", "-"),
        }
    )


def csv_files(w: World) -> SearchStrategy[Any]:
    day, earlier, email = w.yesterday, w.today - timedelta(days=5), w.pat.user.email
    good = {
        "patients": PATIENTS_CSV + f"new@import.test,Europe/London,glute-bridge,{day}\n",
        "checkins": CHECKINS_CSV + f"{email},{earlier},2,3,7.5,6,3,\n",
        "sessions": (
            "patient_email,date,session_ref,exercise_slug,done,sets,reps,hold_seconds,"
            "pain_before,pain_after,pain_during,note\n"
            f"{email},{earlier},a,glute-bridge,1,2,12,,3,3,2,\n"
        ),
    }
    row = st.text(max_size=40)
    bad = st.one_of(
        one_of(
            PNG, ZIP, b"", b"\x00\x01\x02binary", "é,ü\n".encode("latin-1"),
            (PATIENTS_CSV + "a@b.test,UTC,glute-bridge,2026-01-01\n").encode("utf-16"),
            (PATIENTS_CSV + "a@b.test,UTC,glute-bridge,2026-01-01\n").encode("utf-16-le"),
            b"wrong,header\n1,2\n",
            (CHECKINS_CSV + "x\x00y,2026-01-01,1,1,7.5,1,1,n\x00te\n").encode(),
            (CHECKINS_CSV + f"{email},{day},1,1,7.5,1,1,n\x00te\n").encode(),
            (CHECKINS_CSV + f"{email},{earlier},1,1,7.5,1,1,n\x00te\n").encode(),
            (CHECKINS_CSV + f"{email},{earlier},1,1,7.5,1,1," + "n" * 70_000 + "\n").encode(),
            (CHECKINS_CSV + "a," + "n" * 140_000 + "\n").encode(),  # over the csv cell limit
            ('"unclosed,quote\n' * 3).encode(), b"\r\r\r", b"\xef\xbb\xbf",
            *[content.replace("\n", "\r").encode() for content in good.values()],
            *[content.encode() for content in good.values()],  # in the wrong field
        ),
        row.map(lambda text: (CHECKINS_CSV + text).encode()),
        st.binary(max_size=64),
    )  # fmt: skip
    files = {
        name: st.one_of(st.just(MISSING), st.just(content.encode()), bad)
        for name, content in good.items()
    }
    names = one_of("patients.csv", "data.png", "x.zip", "../../etc/passwd", "a\x00.csv", "-")
    therapist = ids(w.alice.pk, w.bob.pk, foreign=(w.charlie.pk, w.pat.user_id))
    checked = st.fixed_dictionaries(  # files that pass the check, so they are staged
        {
            "step": st.just("check"),
            "therapist": st.just(w.alice.pk),
            "token": st.just(MISSING),
            "files": st.just({"patients": good["patients"].encode()}),
            "filename": st.just("patients.csv"),
        }
    )
    return checked | st.fixed_dictionaries(
        {
            "step": one_of("check", "check", "import", "", "other"),
            "therapist": therapist.valid | therapist.bad,
            "token": st.one_of(st.just(MISSING), st.text(max_size=30), JUNK),
            "files": st.fixed_dictionaries(files),
            "filename": names,
        }
    )


SMALL_JPEG = picture("JPEG", (96, 64), gps=True)
UPLOADS = [
    SMALL_JPEG, picture("PNG", (80, 80)), picture("WEBP", (64, 96)), mp4(5), webm(5),
    b"Dear patient, this is a letter.\n", b"", png_bomb(), mp4(75), webm(61),
    mp4(5, codec=b"hvc1"), mp4(5, brand=b"qt  "), webm(None), mp4(5)[:40], SMALL_JPEG[:200],
    b"GIF89a\x01\x00\x01\x00", b"<svg onload=alert(1)>",
]  # fmt: skip


def media_uploads(w: World) -> SearchStrategy[dict[str, Any]]:
    """A file (a picture, a video, or something that only says it is one), what it shows,
    sometimes a poster, and the form's id (a new one, the one already used, or junk)."""
    content = st.one_of(one_of(*UPLOADS), st.binary(max_size=64))
    return st.fixed_dictionaries(
        {
            "file": st.one_of(content, content, st.just(MISSING)),
            "poster": st.one_of(st.just(MISSING), st.just(MISSING), content),
            "filename": one_of(
                "photo.jpg", "clip.mp4", "x.webm", "../../etc/passwd", "a\x00.png", "-"
            ),  # noqa: E501
            "alt_text": st.one_of(text(300, required=True).valid, text(300).bad, st.just(MISSING)),  # noqa: E501
            "upload_id": uuids(uuid.uuid4(), foreign=(w.own_media.upload_id,)).any(),
        }
    )


# --- Sending, and what must hold afterwards ----------------------------------------------------

WATCHED: list[type[models.Model]] = [
    Clinic, User, PatientProfile, Program, PrescribedExercise, Session, ExerciseLog,
    DailyCheckin, TherapistNote, Flag, FlagEvent, Exercise, ExerciseMedia, ProgramTemplate,
    ProgramTemplateItem, PushSubscription, Notification, DeletionRequest,
    TOTPDevice, StaticDevice, StaticToken, LegacyRecoveryCode, ImportStaging,
    Questionnaire, ProgramMeasure, QuestionnaireResponse, Goal,
]  # fmt: skip
# Changed by every login, including the one each example makes for its persona.
# The plan revision is the database's own bookkeeping of plan changes (triggers; see
# tests/unit/test_plan_revision.py), not something a request writes.
# A wrong two-factor code makes the device wait longer before the next (django-otp's throttle):
# that is written even when the request is refused.
THROTTLE = {"throttling_failure_timestamp", "throttling_failure_count"}
IGNORED = {
    User: {"last_login"},
    PatientProfile: {"plan_revision"},
    TOTPDevice: THROTTLE,
    StaticDevice: THROTTLE,
}
HTMX_HEADERS = st.one_of(
    st.just({}),
    st.just({"HTTP_HX_REQUEST": "true"}),
    st.fixed_dictionaries(
        {
            "HTTP_HX_REQUEST": one_of("true", "false", ""),
            "HTTP_HX_CURRENT_URL": one_of("http://testserver/today/", "", "\x7f"),
            "HTTP_HX_TARGET": one_of("item", "#\x01"),
        }
    ),
)

Snapshot = dict[type[models.Model], dict[Any, dict[str, Any]]]


def snapshot() -> Snapshot:
    state: Snapshot = {}
    for model in WATCHED:
        ignored = IGNORED.get(model, set())
        state[model] = {
            row["id"]: {k: v for k, v in row.items() if k not in ignored}
            for row in model._default_manager.values()
        }
    return state


def last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def refuse_nul(execute, sql, params, many, context):
    """What PostgreSQL does with NUL in text (and in JSON as \\u0000), on any database."""
    if any("\x00" in s or "\\u0000" in s for s in _strings(params)):
        raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return execute(sql, params, many, context)


@contextmanager
def like_postgresql() -> Iterator[None]:
    with connection.execute_wrapper(refuse_nul):
        yield


def check_row(
    model: type[models.Model], pk: Any, where: str, changed: set[str] | None = None
) -> None:
    """A row the request wrote obeys the model's rules (the fields it wrote, if it changed
    an existing row), and holds no NUL character, which PostgreSQL would refuse."""
    instance = model._default_manager.get(pk=pk)
    exclude = None
    if changed is not None:
        exclude = [f.name for f in model._meta.fields if f.attname not in changed]
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise AssertionError(f"{where}: {model.__name__} {pk} was saved invalid: {error}") from None
    for column in model._meta.concrete_fields:
        for s in _strings(getattr(instance, column.attname)):
            assert "\x00" not in s, f"{where}: NUL saved in {model.__name__}.{column.name}"


def check_writes(
    endpoint: Endpoint, w: World, before: Snapshot, where: str, *, refused: bool
) -> bool:
    """Only what this URL may write was written, and only if it was accepted; was anything?"""
    after = snapshot()
    for model in WATCHED:
        may = endpoint.writes.get(model, May())
        old, new = before[model], after[model]
        for pk in new.keys() - old.keys():
            allowed = not refused and may.create is not None and may.create(w, new[pk])
            assert allowed, f"{where}: added {model.__name__} {new[pk]}"
            check_row(model, pk, where)
        for pk in old.keys() - new.keys():
            allowed = not refused and may.delete is not None and may.delete(w, old[pk])
            assert allowed, f"{where}: deleted {model.__name__} {old[pk]}"
        for pk in old.keys() & new.keys():
            if old[pk] == new[pk]:
                continue
            changed = {k: (old[pk][k], new[pk][k]) for k in old[pk] if old[pk][k] != new[pk][k]}
            allowed = not refused and may.change is not None and may.change(w, old[pk])
            assert allowed, f"{where}: changed {model.__name__} {pk}: {changed}"
            check_row(model, pk, where, set(changed))
    return after != before


def form_pairs(values: dict[str, Any], extra: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for name, value in values.items():
        if value is MISSING:
            continue
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, one))
    return pairs + extra


def form_values(fields: dict[str, Field]) -> SearchStrategy[dict[str, Any]]:
    """Half the time every field is valid; otherwise each field may be anything."""
    valid = st.fixed_dictionaries({name: f.valid for name, f in fields.items()})
    mixed = st.fixed_dictionaries({name: f.any() for name, f in fields.items()})
    return st.one_of(valid, mixed)


@dataclass
class Request:
    url: str
    send: Callable[[Client], Any]
    described: str


def draw_request(data: st.DataObject, name: str, endpoint: Endpoint, w: World) -> Request:
    kwargs_strategy = URL_IDS.get(name, endpoint.kwargs)
    kwargs = data.draw(kwargs_strategy(w), label="url")
    url = reverse(name, kwargs=kwargs)
    headers = data.draw(HTMX_HEADERS, label="headers")
    if endpoint.body == "json":
        body = data.draw(json_bodies(), label="body")
        return Request(
            url,
            lambda c: c.post(url, body, content_type="application/json", **headers),
            f"POST {url} {body[:200]!r} {headers}",
        )
    if endpoint.body == "media":
        drawn = data.draw(media_uploads(w), label="upload")
        payload: dict[str, Any] = {}
        for key in ("alt_text", "upload_id"):
            if drawn[key] is not MISSING:
                payload[key] = drawn[key]
        for key in ("file", "poster"):
            if drawn[key] is not MISSING:
                payload[key] = SimpleUploadedFile(drawn["filename"], drawn[key])
        described = f"POST {url} {drawn!r:.500}"
        return Request(url, lambda c: c.post(url, payload, **headers), described)
    if endpoint.body == "multipart":
        drawn = data.draw(csv_files(w), label="upload")
        payload = {"step": drawn["step"]}
        if "therapist" in drawn:
            payload["therapist"] = drawn["therapist"]
        if drawn["token"] is not MISSING:
            payload["token"] = drawn["token"]
        for field_name, content in drawn["files"].items():
            if content is not MISSING:
                payload[field_name] = SimpleUploadedFile(drawn["filename"], content)
        described = f"POST {url} {drawn!r:.500}"
        return Request(url, lambda c: c.post(url, payload, **headers), described)
    if endpoint.body == "logo":
        drawn = data.draw(logo_uploads(w), label="upload")
        payload = {
            key: value
            for key, value in drawn.items()
            if key in {"accent_colour", "remove_logo"} and value is not MISSING
        }
        if drawn["logo"] is not MISSING:
            payload["logo"] = SimpleUploadedFile(drawn["filename"], drawn["logo"])
        described = f"POST {url} {drawn!r:.300}"
        return Request(url, lambda c: c.post(url, payload, **headers), described)
    values = data.draw(form_values(endpoint.fields(w)), label="form")
    extra = data.draw(st.lists(st.tuples(st.text(max_size=10), JUNK), max_size=2), label="extra")
    encoded = urlencode(form_pairs(values, extra))
    described = f"{endpoint.method} {url} {encoded[:500]} {headers}"
    if endpoint.method == "GET":
        return Request(url, lambda c: c.get(f"{url}?{encoded}", **headers), described)
    form_type = "application/x-www-form-urlencoded"
    return Request(
        url, lambda c: c.post(url, encoded, content_type=form_type, **headers), described
    )


def password_reset_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password-reset-confirm", kwargs={"uidb64": uidb64, "token": token})


def client_as(persona: str, w: World) -> Client:
    client = Client()
    if persona != "anonymous":
        person = getattr(w, persona)
        login_verified(client, getattr(person, "user", person))  # past the second factor too
    return client


@dataclass
class Outcomes:
    wrote: int = 0  # examples that changed the database
    kept: int = 0  # examples that left it as it was


def run_example(
    name: str, endpoint: Endpoint, w: World, data: st.DataObject, seen: Outcomes, client: Client
) -> None:
    """One request in a savepoint: every example starts from the same world."""
    with transaction.atomic():
        if endpoint.fresh_client:
            client = client_as(endpoint.persona, w)
        endpoint.first(client, w)
        request = draw_request(data, name, endpoint, w)
        before, audit_before = snapshot(), last_audit_id()
        with like_postgresql():
            response = request.send(client)
        where = f"{request.described} as {endpoint.persona} -> {response.status_code}"
        assert response.status_code < 500, where
        refused = response.status_code >= 400
        wrote = check_writes(endpoint, w, before, where, refused=refused)
        for event in AuditEvent.objects.filter(id__gt=audit_before):
            check_row(AuditEvent, event.pk, where)
        seen.wrote += wrote
        seen.kept += not wrote
        if not refused:
            with like_postgresql():
                for page in endpoint.pages(w):
                    status = client.get(page).status_code
                    assert status < 500, f"{where}, then GET {page}: {status}"
        transaction.set_rollback(True)


# --- Tests ---------------------------------------------------------------------------------


def test_every_url_that_takes_input_is_listed(client):
    """A URL missing from TABLE must refuse a POST (405): else its form has no bad-input spec."""
    unlisted = []
    for name, route in ROUTES.items():
        if name in TABLE or name in NO_INPUT or name.startswith("<unnamed"):
            continue
        url = reverse(name, kwargs={key: "1" for key in route.kwargs})
        if client.post(url).status_code != 405:
            unlisted.append(name)
    assert not unlisted, f"URLs that accept a POST, with no entry in TABLE: {unlisted}"


def test_every_url_in_the_table_exists():
    assert not (set(TABLE) | set(NO_INPUT)) - set(ROUTES)
    assert not set(URL_IDS) - set(TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_bad_input_never_hurts(name, world):
    endpoint = TABLE[name]
    seen = Outcomes()
    endpoint.prepare(world)
    client = client_as(endpoint.persona, world)

    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        run_example(name, endpoint, world, data, seen, client)

    example()
    # The draws reach both sides: what is refused, and (where the URL writes) real writes.
    if endpoint.writes:
        assert seen.wrote, f"{name}: no example was accepted; are the valid values still valid?"
    if endpoint.writes and (name in URL_IDS or set(endpoint.fields(world)) - {"next"}):
        assert seen.kept, f"{name}: every example wrote; do the malformed values arrive?"
