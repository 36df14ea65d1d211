"""Every URL of the project, for every persona: who may get in, and who must not.

The URL list is read from the URL configuration (``get_resolver()``, includes and all), so
a URL that is not in the table below fails ``test_every_url_is_in_the_matrix``: whoever
adds a URL decides here who may open it. The Django admin is left out (it has its own
permissions and is tested by Django).

Object URLs point at patient A's data (pat, of the Demo Clinic): a session, a check-in, a
flag, a program with prescriptions, an exercise of the Demo Clinic, a pending invitation.
Outsiders get 404, never 403 (tracker/access.py): pia for what belongs to pat, charlie
(another clinic) for what belongs to the Demo Clinic. bob is a therapist of pat's clinic
but neither pat's own therapist nor a clinic admin; alice is both.

Each URL is requested once per persona with the method it is meant for: GET for pages,
POST (with minimal data, mostly empty) for actions. POST-only actions also refuse GET
with 405 (``test_post_only_urls_refuse_get``).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from patient.views.phone import EXPLANATIONS_BY_SLUG
from tests.conftest import login
from tests.media import picture
from tests.outcomes import answer_psfs, schedule
from tests.workspace import live_days, make_flag
from tracker.models import Exercise
from tracker.services.branding import clinic_look_update, logo_prepare
from tracker.services.data_rights import deletion_request_create
from tracker.services.exercise_media import MediaUpload, exercise_media_add
from tracker.services.import_staging import import_staging_create
from tracker.services.logbook import session_start
from tracker.services.outcomes import goal_set
from tracker.services.prescribing import DosageSpec, prescription_add

pytestmark = pytest.mark.django_db

# --- Expected outcomes ---------------------------------------------------------------------

LOGIN = "login"  # 302 to the login page, with ?next= (or the htmx equivalent)
OK = 200
BAD_REQUEST = 400  # got past authorization; the (deliberately empty) form was refused
REDIRECT = 302  # a redirect that is not "please log in" (?next= absent)
NOT_FOUND = 404

PERSONAS = ("anonymous", "pat", "pia", "bob", "alice", "charlie")


@dataclass(frozen=True)
class Case:
    method: str
    expect: dict[str, int | str]
    data: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda objects: {})
    json: bool = False  # send data as a JSON body, as push.js does


def get(anonymous, pat, pia, bob, alice, charlie) -> Case:
    expect = dict(zip(PERSONAS, (anonymous, pat, pia, bob, alice, charlie), strict=True))
    return Case("GET", expect)


def post(anonymous, pat, pia, bob, alice, charlie, *, data=None, json=False) -> Case:
    expect = dict(zip(PERSONAS, (anonymous, pat, pia, bob, alice, charlie), strict=True))
    return Case("POST", expect, data or (lambda objects: {}), json)


# Data the phone sends, naming pat's open session and pat's prescription: for pia, that is
# somebody else's session/prescription and must be a 404.
def session_data(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "session_client_id": o["session_client_id"],
        "local_date": o["today"].isoformat(),
        "pain_before": 3,
        "pain_after": 4,
    }


def log_data(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "session_client_id": o["session_client_id"],
        "local_date": o["today"].isoformat(),
        "prescribed": o["prescribed_id"],
        "occurrence": 1,
        "status": "done",
    }


def push_data(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc123",
        "keys": {"p256dh": "BNc-public-key", "auth": "auth-secret"},
    }


STAGED_PATIENTS = "email,timezone,exercises,program_start\n"  # checked, nothing to import

# fmt: off
MATRIX: dict[str, Case] = {
    #                                   anonymous  pat        pia        bob        alice      charlie  # noqa: E501
    # Public, or shared by every role
    "home":                        get(LOGIN,     REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),  # noqa: E501
    "login":                       get(OK,        REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),  # noqa: E501
    # The code step of logging in: only a half-done sign-in gets the page, anyone else is sent on
    "login-two-factor":            get(REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),  # noqa: E501
    "logout":                     post(REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),  # noqa: E501
    "healthz":                     get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    "invite-accept":               get(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    # Forgotten passwords: open to anyone, the same pages whoever asks (no account is revealed)
    "password-reset":              get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    "password-reset-done":         get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    "password-reset-confirm":      get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    "password-reset-complete":     get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    # Changing one's own password: anyone logged in
    "password-change":             get(LOGIN,     OK,        OK,        OK,        OK,        OK),  # noqa: E501
    # The clinic's look: the logo for its own people only; an accent's stylesheet for anyone
    "clinic-logo":                 get(LOGIN,     OK,        OK,        OK,        OK,        NOT_FOUND),  # noqa: E501
    "clinic-accent-css":           get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    "patient-offline":             get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    "patient-manifest":            get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    "service-worker":              get(OK,        OK,        OK,        OK,        OK,        OK),  # noqa: E501
    # The patient's phone: patients only; pat's own records are 404 for pia
    "patient-today":               get(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-session-start":      post(LOGIN,     REDIRECT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, data=session_data),  # noqa: E501
    "patient-session-finish":     post(LOGIN,     REDIRECT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, data=session_data),  # noqa: E501
    "patient-log":                post(LOGIN,     REDIRECT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, data=log_data),  # noqa: E501
    "patient-checkin":             get(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-checkin-detail":      get(LOGIN,     OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-progress":            get(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-settings":            get(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-timezone-detect":    post(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, data=lambda o: {"timezone": "Europe/London"}),  # noqa: E501
    "patient-push-subscribe":     post(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, data=push_data, json=True),  # noqa: E501
    "patient-handout":             get(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-exercise":            get(LOGIN,     OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-explanation":         get(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    # A picture of a Demo Clinic exercise in pat's program: pat only (pia does not have it)
    "patient-exercise-media":      get(LOGIN,     OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    # A questionnaire pat's program asks for: pat's own; 404 for pia
    "patient-questionnaire":       get(LOGIN,     OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    # Each patient's own data: download it, ask for (or cancel) its deletion
    "patient-data-json":           get(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-data-csv":            get(LOGIN,     OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    "patient-deletion-request":   post(LOGIN,     REDIRECT,  REDIRECT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, data=lambda o: {"confirm": "on"}),  # noqa: E501
    "patient-deletion-cancel":    post(LOGIN,     REDIRECT,  REDIRECT,  NOT_FOUND, NOT_FOUND, NOT_FOUND),  # noqa: E501
    # The therapist's workspace, clinic-wide pages: charlie sees his own clinic there
    # The site's icon, for browsers that ask /favicon.ico: anyone, like the static file
    "favicon":                     get(301,       301,       301,       301,       301,       301),  # noqa: E501
    "therapist-caseload":          get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),  # noqa: E501
    "therapist-flags":             get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),  # noqa: E501
    "therapist-invite":            get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),  # noqa: E501
    "therapist-clinic":            get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),  # noqa: E501
    "therapist-library":           get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),  # noqa: E501
    "therapist-exercise-new":      get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),  # noqa: E501
    # Each therapist's own two-factor sign-in (empty posts: nothing to confirm, disable or renew)
    "therapist-two-factor":        get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),  # noqa: E501
    "therapist-two-factor-setup": post(LOGIN,     NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  REDIRECT),  # noqa: E501
    "therapist-two-factor-confirm": post(LOGIN,   NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  REDIRECT),  # noqa: E501
    "therapist-two-factor-disable": post(LOGIN,   NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  REDIRECT),  # noqa: E501
    "therapist-two-factor-recovery-codes": post(LOGIN, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT, REDIRECT),  # noqa: E501
    # Clinic admins only
    "therapist-import":            get(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND),  # noqa: E501
    # Files alice checked for the Demo Clinic: its admins import or cancel them, nobody else
    "therapist-import-run":       post(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND),  # noqa: E501
    "therapist-import-cancel":    post(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-notification-problems": get(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND),  # noqa: E501
    "therapist-audit":             get(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND),  # noqa: E501
    "therapist-audit-export":      get(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND),  # noqa: E501
    "therapist-clinic-look":       get(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND),  # noqa: E501
    "therapist-security":          get(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND),  # noqa: E501
    "therapist-security-require": post(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT,  NOT_FOUND),  # noqa: E501
    # bob's two-factor sign-in, reset by his clinic's admin
    "therapist-two-factor-reset": post(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT,  NOT_FOUND),  # noqa: E501
    # pat's request to delete their data, decided by the clinic's admin (empty posts: refused)
    "therapist-deletion-requests": get(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND),  # noqa: E501
    "therapist-deletion-confirm": post(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, BAD_REQUEST, NOT_FOUND),  # noqa: E501
    "therapist-deletion-decline": post(LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, BAD_REQUEST, NOT_FOUND),  # noqa: E501
    # pat's record and program: any therapist of pat's clinic, nobody else
    "therapist-flag-review":      post(LOGIN,     NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-record":            get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    "therapist-note-create":      post(LOGIN,     NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-export-checkins":   get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    "therapist-export-adherence":  get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    "therapist-export-sessions":   get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    "therapist-report":            get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    "therapist-export-outcomes":   get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    # Outcome measures in pat's program, and pat's goals (empty posts: refused)
    "therapist-measure-add":      post(LOGIN,     NOT_FOUND, NOT_FOUND, BAD_REQUEST, BAD_REQUEST, NOT_FOUND),  # noqa: E501
    "therapist-measure-stop":     post(LOGIN,     NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-goal-add":         post(LOGIN,     NOT_FOUND, NOT_FOUND, BAD_REQUEST, BAD_REQUEST, NOT_FOUND),  # noqa: E501
    "therapist-goal-remove":      post(LOGIN,     NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-invite-resend":    post(LOGIN,     NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-invite-revoke":    post(LOGIN,     NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-program":           get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    "therapist-program-handout":   get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    "therapist-program-start":    post(LOGIN,     NOT_FOUND, NOT_FOUND, BAD_REQUEST, BAD_REQUEST, NOT_FOUND),  # noqa: E501
    "therapist-program-library":   get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    "therapist-program-details":  post(LOGIN,     NOT_FOUND, NOT_FOUND, BAD_REQUEST, BAD_REQUEST, NOT_FOUND),  # noqa: E501
    "therapist-program-add":      post(LOGIN,     NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-prescription-dosage": post(LOGIN,  NOT_FOUND, NOT_FOUND, BAD_REQUEST, BAD_REQUEST, NOT_FOUND),  # noqa: E501
    "therapist-prescription-move": post(LOGIN,    NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-prescription-remove": post(LOGIN,  NOT_FOUND, NOT_FOUND, REDIRECT,  REDIRECT,  NOT_FOUND),  # noqa: E501
    # An exercise the Demo Clinic added to its library
    "therapist-exercise-edit":     get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
    # Its pictures and videos: any therapist of the Demo Clinic (an empty upload is refused)
    "therapist-exercise-media-add": post(LOGIN,   NOT_FOUND, NOT_FOUND, BAD_REQUEST, BAD_REQUEST, NOT_FOUND),  # noqa: E501
    "therapist-exercise-media-remove": post(LOGIN, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT,  NOT_FOUND),  # noqa: E501
    "therapist-exercise-media":    get(LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND),  # noqa: E501
}
# fmt: on


# --- The URL configuration -----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced ("ns:name"); an unnamed URL gets a placeholder that fails the check
    kwargs: tuple[str, ...]


def walk(
    resolvers: list[URLPattern | URLResolver],
    prefix: str = "",
    namespace: str = "",
    kwargs: tuple[str, ...] = (),
) -> Iterator[Route]:
    for entry in resolvers:
        here = tuple(entry.pattern.regex.groupindex)
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin" or route.startswith(("static/", "media/")):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, inner, kwargs + here)
        elif entry.name:
            yield Route(namespace + entry.name, kwargs + here)
        elif not route.startswith(("static/", "media/")):
            yield Route(f"<unnamed URL {route!r}>", kwargs + here)


ROUTES = {route.name: route for route in walk(get_resolver().url_patterns)}
CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


# --- Patient A's data ----------------------------------------------------------------------


class Objects(dict):
    """The ids a case's URL names, each made the first time a case asks for it.

    The matrix runs every URL for every persona: making only what a URL names (a clinic's
    picture, a staged import, an answered questionnaire) keeps each case's database small.
    """

    def __init__(self, makers: dict[str, Callable[[], Any]], **ready: Any) -> None:
        super().__init__(ready)
        self.makers = makers

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.makers[key]()
        return value


@pytest.fixture
def objects(pat, pia, bob, alice, charlie, pat_program, settings, media_root) -> Objects:
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "BPublicKey", "private-key"  # push on
    live_days(pat, 2)  # finished sessions and check-ins on the last two days
    today = pat.local_today()
    own_exercise = Exercise.objects.create(
        clinic=pat.clinic, slug="clinic-move", name="Clinic move", category="strength",
        body_region="knee", steps=["Move."], default_reps=5,
    )  # fmt: skip
    prescription_add(
        program=pat_program, exercise=own_exercise,
        dosage=DosageSpec.from_exercise(own_exercise), valid_from=pat_program.start_date,
    )  # fmt: skip
    pat.invited_at = timezone.now() - timedelta(hours=1)  # an invitation on record
    pat.save(update_fields=["invited_at"])
    prescription = pat_program.prescriptions.order_by("pk").first()

    def logo_version() -> int:  # the Demo Clinic's logo
        logo = io.BytesIO()
        Image.new("RGB", (40, 20), (11, 83, 148)).save(logo, format="PNG")
        logo.seek(0)
        clinic_look_update(clinic=pat.clinic, accent_colour="#0b5394", logo=logo_prepare(logo))
        return pat.clinic.logo_version

    def open_session() -> str:
        return str(
            session_start(
                patient=pat, client_id=uuid.uuid4(), pain_before=3, local_date=today
            ).client_id
        )

    def picture_of_it() -> int:
        small = io.BytesIO(picture(size=(64, 48)))
        return exercise_media_add(
            exercise=own_exercise, actor=alice,
            upload=MediaUpload(file=small, alt_text="Step", upload_id=uuid.uuid4()),
        ).pk  # fmt: skip

    def measure() -> int:
        scheduled = schedule(pat_program, "psfs")
        answer_psfs(pat, scheduled, pat_program.start_date, [3, 4], occasion="start")
        return scheduled.pk

    def goal() -> int:
        made["measure_id"]  # a goal is set on an activity the patient named
        return goal_set(
            patient=pat, therapist=alice, activity_key="a1", activity="Climb stairs", baseline=3,
            target=7, target_date=today + timedelta(days=30),
        ).pk  # fmt: skip

    made = Objects(
        {
            "measure_id": measure,
            "goal_id": goal,
            "session_client_id": open_session,
            "checkin_id": lambda: pat.checkins.order_by("-local_date").first().pk,
            "flag_id": lambda: make_flag(pat).pk,
            "media_id": picture_of_it,
            # pat asked to delete their data
            "request_id": lambda: deletion_request_create(patient=pat).pk,
            "staging_id": lambda: (
                import_staging_create(
                    admin=alice, therapist=alice, texts={"patients": STAGED_PATIENTS}
                ).pk
            ),
            "version": logo_version,
        },
        today=today,
        patient_id=pat.pk,
        program_id=pat_program.pk,
        prescription_id=prescription.pk,
        prescribed_id=prescription.pk,
        exercise_id=own_exercise.pk,
        variant="thumbnail",
        slug=next(iter(EXPLANATIONS_BY_SLUG)),
        uidb64="MA",  # invite-accept: a link that was never sent (user 0 never exists)
        token="not-a-token",  # invite-accept and password-reset-confirm: a bad token
        therapist_id=bob.pk,  # two-factor reset: a therapist of the Demo Clinic
        digits="0b5394",  # a readable accent
    )
    return made


def url_for(name: str, objects: dict[str, Any]) -> str:
    return reverse(name, kwargs={key: objects[key] for key in ROUTES[name].kwargs})


def client_as(persona: str, request: pytest.FixtureRequest) -> Client:
    client = Client()
    if persona == "anonymous":
        return client
    person = request.getfixturevalue(persona)
    return login(client, getattr(person, "user", person))


def send(case: Case, client: Client, url: str, objects: dict[str, Any], **headers: str):
    if case.method == "GET":
        return client.get(url, **headers)
    if case.json:
        return client.post(url, case.data(objects), content_type="application/json", **headers)
    return client.post(url, case.data(objects), **headers)


def assert_outcome(response, expected: int | str, where: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    login_url = reverse("login")
    to_login = status == 302 and location.startswith(login_url) and "next=" in location
    if expected == LOGIN:
        assert to_login, f"{where}: expected a redirect to log in, got {status} {location}"
    elif expected == REDIRECT:
        assert status == 302 and not to_login, f"{where}: got {status} {location}"
    else:
        assert status == expected, f"{where}: expected {expected}, got {status} {location}"


# --- Tests ---------------------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    missing = sorted(set(ROUTES) - set(MATRIX))
    assert not missing, f"URLs with no authorization expectations, add them to MATRIX: {missing}"


def test_the_walk_finds_the_included_url_modules():
    assert {"home", "patient-today", "therapist-record", "service-worker"} <= set(ROUTES)
    assert not any(name.startswith("admin:") for name in ROUTES)


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_authorization(name, persona, objects, request):
    assert name in ROUTES, f"{name} is in the matrix but not in the URL configuration"
    case = MATRIX[name]
    url = url_for(name, objects)
    response = send(case, client_as(persona, request), url, objects)
    assert_outcome(response, case.expect[persona], f"{case.method} {url} as {persona}")


POST_ONLY = sorted(name for name, case in MATRIX.items() if case.method == "POST")


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_urls_refuse_get(name, objects, request):
    assert name in ROUTES, f"{name} is in the matrix but not in the URL configuration"
    persona = next(p for p in ("pat", "alice") if MATRIX[name].expect[p] != NOT_FOUND)
    response = client_as(persona, request).get(url_for(name, objects))
    assert response.status_code == 405, f"GET {name} as {persona}: {response.status_code}"


PATIENT_ONLY = sorted(
    name
    for name, case in MATRIX.items()
    if case.expect["anonymous"] == LOGIN and case.expect["pat"] != NOT_FOUND == case.expect["bob"]
)


@pytest.mark.parametrize("name", PATIENT_ONLY)
def test_an_expired_login_in_an_htmx_fragment_sends_the_whole_page_to_log_in(name, objects):
    assert name in ROUTES, f"{name} is in the matrix but not in the URL configuration"
    response = send(MATRIX[name], Client(), url_for(name, objects), objects, HTTP_HX_REQUEST="true")
    redirect = response.get("HX-Redirect") or response.get("Location", "")
    assert redirect.startswith(reverse("login")), f"{name}: {response.status_code} {redirect}"
    assert response.status_code in (200, 302, 401, 403)
