"""Personas shared by the whole suite.

Demo Clinic: alice (therapist, clinic admin), bob (therapist), pat and pia (alice's patients).
Other Clinic: charlie (therapist) and oscar (his patient) — the outsiders.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tracker.models import Clinic, Exercise, PatientProfile, User
from tracker.services.prescribing import DosageSpec, prescription_add, program_create

PASSWORD = "correct horse battery staple"

# Property-based tests draw the same examples on every run and keep no example database, so
# a failure seen once is seen everywhere; ten examples a test keep the whole suite inside its
# time budget. HYPOTHESIS_PROFILE=thorough explores far more.
_HYPOTHESIS_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile(
    "ci", max_examples=10, derandomize=True, print_blob=True, **_HYPOTHESIS_COMMON
)
hypothesis_settings.register_profile("thorough", max_examples=400, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True, scope="session")
def cache_of_this_run(tmp_path_factory: pytest.TempPathFactory):
    """A cache in a folder of this test run's own, whatever CACHE_URL says: runs never see
    each other's entries, and emptying it between tests never flushes a shared Redis."""
    location = tmp_path_factory.mktemp("cache")
    backend = "django.core.cache.backends.filebased.FileBasedCache"
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": str(location)}}):
        yield


@pytest.fixture(autouse=True)
def empty_cache(cache_of_this_run: None):
    """Each test's database is rolled back after it, so a patient id and plan revision (or
    a session key) can come round again with other data; production never reuses either."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Uploaded files go to this test's own folder, through the same local storage."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.REHABIT_MEDIA_STORAGE = "local"
    return root


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """A deliberately slow hasher protects real accounts; tests make hundreds of them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(email: str, clinic: Clinic, role: str, **extra: object) -> User:
    return User.objects.create_user(
        email, PASSWORD, clinic=clinic, role=role, full_name=email.split("@")[0].title(), **extra
    )


def make_patient(
    email: str, clinic: Clinic, therapist: User, tz: str = "Europe/London"
) -> PatientProfile:
    user = make_user(email, clinic, User.Role.PATIENT, timezone=tz)
    return PatientProfile.objects.create(user=user, clinic=clinic, therapist=therapist)


def make_exercise(slug: str = "glute-bridge", *, hold: bool = False) -> Exercise:
    return Exercise.objects.create(
        slug=slug,
        name=slug.replace("-", " ").title(),
        category="strength" if not hold else "mobility",
        body_region="hip",
        steps=["Lie on your back.", "Lift your hips."],
        default_sets=2,
        default_reps=None if hold else 12,
        default_hold_seconds=30 if hold else None,
    )


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Demo Clinic")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Other Clinic")


@pytest.fixture
def alice(clinic: Clinic) -> User:
    return make_user("alice@clinic.test", clinic, User.Role.THERAPIST, is_clinic_admin=True)


@pytest.fixture
def bob(clinic: Clinic) -> User:
    return make_user("bob@clinic.test", clinic, User.Role.THERAPIST)


@pytest.fixture
def charlie(other_clinic: Clinic) -> User:
    return make_user("charlie@other.test", other_clinic, User.Role.THERAPIST)


@pytest.fixture
def pat(clinic: Clinic, alice: User) -> PatientProfile:
    return make_patient("pat@patient.test", clinic, alice)


@pytest.fixture
def pia(clinic: Clinic, alice: User) -> PatientProfile:
    return make_patient("pia@patient.test", clinic, alice)


@pytest.fixture
def oscar(other_clinic: Clinic, charlie: User) -> PatientProfile:
    return make_patient("oscar@patient.test", other_clinic, charlie)


@pytest.fixture
def bridge(db: None) -> Exercise:
    return make_exercise("glute-bridge")


@pytest.fixture
def hip_stretch(db: None) -> Exercise:
    return make_exercise("hip-flexor-stretch", hold=True)


@pytest.fixture
def pat_program(pat: PatientProfile, alice: User, bridge: Exercise, hip_stretch: Exercise):
    start = pat.local_today() - timedelta(days=14)
    program = program_create(patient=pat, therapist=alice, title="Knee plan", start_date=start)
    prescription_add(
        program=program, exercise=bridge, dosage=DosageSpec.from_exercise(bridge), valid_from=start
    )
    prescription_add(
        program=program,
        exercise=hip_stretch,
        dosage=DosageSpec.from_exercise(hip_stretch, times_per_day=2),
        valid_from=start,
    )
    return program


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def as_pat(client: Client, pat: PatientProfile) -> Client:
    return login(client, pat.user)


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    return login(client, alice)


CHECKIN = {
    "pain": 3,
    "worst_pain": 5,
    "sleep_hours": Decimal("7.5"),
    "sleep_quality": 6,
    "stress": 4,
}


def yesterday(patient: PatientProfile) -> date:
    return patient.local_today() - timedelta(days=1)
