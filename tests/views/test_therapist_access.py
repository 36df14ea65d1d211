"""Every page of the therapist's workspace, for every persona who must not get in.

The list of pages is read from the URL configuration, so a new page is checked as soon as
it is added. Outsiders get 404, never 403 (tracker/access.py): a therapist of another
clinic cannot even learn that a record exists. Clinic-admin pages are 404 for other
therapists too.
"""

import io
import uuid
from datetime import timedelta

import pytest
from django.urls import URLPattern, reverse

from accounts import urls as accounts_urls
from tests.conftest import login
from tests.media import picture
from tests.outcomes import schedule
from tests.workspace import give_program, make_flag
from tracker.models import Exercise
from tracker.services.data_rights import deletion_request_create
from tracker.services.exercise_media import MediaUpload, exercise_media_add
from tracker.services.import_staging import import_staging_create
from tracker.services.outcomes import goal_set
from workspace import urls as workspace_urls

pytestmark = pytest.mark.django_db

# Everything under /clinic/: the workspace's own pages and its invite and sign-in pages.
CLINIC_PATTERNS = workspace_urls.urlpatterns + accounts_urls.clinic_urlpatterns
NAMES = [p.name for p in CLINIC_PATTERNS if isinstance(p, URLPattern)]
ADMIN_ONLY = {
    "therapist-import",
    "therapist-import-run",
    "therapist-import-cancel",
    "therapist-security",
    "therapist-audit",
    "therapist-audit-export",
    "therapist-deletion-requests",
}
# Pages about no particular record: another clinic's therapist sees their own clinic there.
CLINIC_WIDE = {
    "therapist-caseload",
    "therapist-clinic",
    "therapist-flags",
    "therapist-invite",
    "therapist-library",
    "therapist-exercise-new",
}
# Each therapist's own two-factor sign-in: anyone with a clinic has their own.
OWN_ACCOUNT = {
    "therapist-two-factor",
    "therapist-two-factor-setup",
    "therapist-two-factor-confirm",
    "therapist-two-factor-disable",
    "therapist-two-factor-recovery-codes",
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Three personas per test, many tests: hashing is the slow part and not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def objects(pat, alice, bob, media_root):
    program = give_program(pat, alice, pat.local_today())
    own = Exercise.objects.create(
        clinic=pat.clinic, slug="clinic-move", name="Clinic move", category="strength",
        body_region="knee", steps=["Move."], default_reps=5,
    )  # fmt: skip
    measure = schedule(program, "psfs")
    goal = goal_set(
        patient=pat, therapist=alice, activity_key="a1", activity="Climb stairs", baseline=3,
        target=7, target_date=pat.local_today() + timedelta(days=30),
    )  # fmt: skip
    return {
        "measure_id": measure.pk,
        "goal_id": goal.pk,
        "patient_id": pat.pk,
        "program_id": program.pk,
        "prescription_id": program.prescriptions.first().pk,
        "flag_id": make_flag(pat).pk,
        "exercise_id": own.pk,
        "therapist_id": bob.pk,
        "request_id": deletion_request_create(patient=pat).pk,
        "media_id": exercise_media_add(
            exercise=own, actor=alice,
            upload=MediaUpload(file=io.BytesIO(picture(size=(64, 48))), alt_text="Moving", upload_id=uuid.uuid4()),  # noqa: E501
        ).pk,
        "variant": "file",
        "staging_id": import_staging_create(
            admin=alice,
            therapist=alice,
            texts={"patients": "email,timezone,exercises,program_start\n"},
        ).pk,
    }  # fmt: skip


def url_for(name, objects):
    pattern = next(p for p in CLINIC_PATTERNS if p.name == name)
    kwargs = {k: objects[k] for k in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


def fetch(client, url):
    response = client.get(url)
    if response.status_code == 405:  # a POST-only action
        response = client.post(url)
    return response


def test_the_list_of_pages_is_complete():
    assert len(NAMES) >= 20 and "therapist-record" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_visitors_are_sent_to_log_in(client, objects, name):
    response = fetch(client, url_for(name, objects))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", NAMES)
def test_patients_get_404(client, pat, objects, name):
    assert fetch(login(client, pat.user), url_for(name, objects)).status_code == 404


@pytest.mark.parametrize("name", sorted(set(NAMES) - CLINIC_WIDE - OWN_ACCOUNT))
def test_another_clinic_s_therapist_gets_404(client, charlie, objects, name):
    assert fetch(login(client, charlie), url_for(name, objects)).status_code == 404


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
def test_admin_pages_are_404_for_other_therapists(client, bob, objects, name):
    assert fetch(login(client, bob), url_for(name, objects)).status_code == 404


@pytest.mark.parametrize("name", [n for n in NAMES if n in CLINIC_WIDE or n in ADMIN_ONLY])
def test_the_clinic_pages_open_for_alice(client, alice, objects, name):
    # Cancelling staged import files sends alice back to the import page.
    expected = 302 if name == "therapist-import-cancel" else 200
    assert fetch(login(client, alice), url_for(name, objects)).status_code == expected
